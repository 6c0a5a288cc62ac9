import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { isApiError } from '../../api/client.ts';
import { useAccount } from '../../api/queries.ts';
import { useSession } from '../../api/session.ts';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Alert } from '../../components/Alert.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReauthForm } from '../../components/ReauthForm.tsx';
import { useFormat } from '../../lib/format.ts';

const EXPORTS_KEY = ['account', 'exports'] as const;

/**
 * "Download your data": ask for an export (after a step-up), see it being prepared, download it
 * (after a step-up again). Used in the account center and in the first step of the cancellation
 * wizard.
 */
export function DataExportCard({ id = 'exports', level = 2, title }: { id?: string; level?: 2 | 3; title?: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const account = useAccount();
  const { data: session } = useSession();
  const [stepUpFor, setStepUpFor] = useState<null | { kind: 'request' } | { kind: 'download'; exportId: string }>(null);
  const exports = useQuery({
    queryKey: EXPORTS_KEY,
    queryFn: () => call('get', '/api/account/exports'),
    refetchInterval: (query) => (query.state.data?.items.some((e) => e.state === 'preparing') ? 3000 : false),
  });
  const request = useMutation({
    mutationFn: () => call('post', '/api/account/exports'),
    onSuccess: () => client.invalidateQueries({ queryKey: EXPORTS_KEY }),
    onError: (error) => {
      if (isApiError(error) && error.code === 'REAUTH_REQUIRED') setStepUpFor({ kind: 'request' });
    },
  });
  const fresh = !!session?.reauthenticatedUntil && new Date(session.reauthenticatedUntil).getTime() > Date.now();
  const download = (exportId: string) => {
    if (!fresh) return setStepUpFor({ kind: 'download', exportId });
    window.location.assign(`/api/account/exports/${encodeURIComponent(exportId)}/download`);
  };
  // A link to the card (the "ready" mail leads to /account#exports) shows it once its list is in.
  const { hash } = useLocation();
  const loaded = !exports.isPending;
  useEffect(() => {
    if (loaded && hash === `#${id}`) document.getElementById(id)?.scrollIntoView({ block: 'start' });
  }, [loaded, hash, id]);
  const items = exports.data?.items ?? [];
  const preparing = items.some((e) => e.state === 'preparing');

  return (
    <Card title={title ?? t('export.title')} id={id} level={level}>
      <p>{t('export.lead')}</p>
      {stepUpFor && account.data && (
        <Alert tone="warning" title={t('errors.REAUTH_REQUIRED')}>
          <ReauthForm
            totpEnabled={account.data.totpEnabled}
            onDone={() => {
              const next = stepUpFor;
              setStepUpFor(null);
              if (next.kind === 'request') request.mutate();
              else window.location.assign(`/api/account/exports/${encodeURIComponent(next.exportId)}/download`);
            }}
          />
        </Alert>
      )}
      {request.error && !(isApiError(request.error) && request.error.code === 'REAUTH_REQUIRED') && <ErrorAlert error={request.error} />}
      {items.length > 0 && (
        <ul className="list" data-testid="exports">
          {items.map((e) => (
            <li key={e.id} className="row-between" data-state={e.state}>
              <span>
                {t('export.requestedAt', { date: fmt.dateTime(e.requestedAt) })} <Badge>{t(`export.states.${e.state}`)}</Badge>
                {e.state === 'ready' && e.expiresAt && <small> {t('export.keptUntil', { date: fmt.dateTime(e.expiresAt) })}</small>}
              </span>
              {e.state === 'ready' && (
                <Button size="sm" onClick={() => download(e.id)} data-testid="export-download">
                  {t('export.download')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <Button onClick={() => request.mutate()} busy={request.isPending} disabled={preparing} data-testid="export-request">
          {t('export.request')}
        </Button>
      </div>
      {preparing && <p>{t('export.preparing')}</p>}
    </Card>
  );
}
