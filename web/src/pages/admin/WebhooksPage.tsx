import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Button } from '../../components/Button.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormat } from '../../lib/format.ts';

/** Downstream receivers of erasure requests, and how well each is answering. */
export default function WebhooksPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const hooks = useQuery({ queryKey: ['admin', 'webhooks'], queryFn: async () => (await call('get', '/api/admin/webhooks')).items });
  const enable = useMutation({
    mutationFn: (name: string) => call('post', '/api/admin/webhooks/{name}/enable', { path: { name } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin', 'webhooks'] }),
  });
  return (
    <>
      <PageHeader title={t('admin.webhooks.title')} lead={t('admin.webhooks.lead')} />
      {hooks.isPending && <Loading />}
      {hooks.error && <ErrorAlert error={hooks.error} />}
      {enable.error && <ErrorAlert error={enable.error} />}
      {hooks.data?.length === 0 && <EmptyState title={t('admin.webhooks.empty')}>{t('admin.webhooks.emptyHint')}</EmptyState>}
      {hooks.data && hooks.data.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('common.scrollTable')}>
          <table className="table">
            <caption className="visually-hidden">{t('admin.webhooks.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.webhooks.name')}</th>
                <th scope="col">{t('admin.webhooks.health')}</th>
                <th scope="col">{t('admin.webhooks.lastSuccess')}</th>
                <th scope="col">{t('admin.webhooks.lastFailure')}</th>
                <th scope="col" className="num">
                  {t('admin.webhooks.pending')}
                </th>
                <th scope="col" className="num">
                  {t('admin.webhooks.failures')}
                </th>
              </tr>
            </thead>
            <tbody>
              {hooks.data.map((h) => {
                const waiting = Object.values(h.waiting ?? {}).reduce((a, b) => a + b, 0);
                return (
                  <tr key={h.name}>
                    <td>
                      <strong>{h.name}</strong>
                      <div className="mono small muted">{h.origin}</div>
                    </td>
                    <td>
                      <StatusBadge status={h.status} />
                      {h.disabledReason && <div className="small muted">{h.disabledReason}</div>}
                      {h.status === 'disabled' && (
                        <div>
                          <Button size="sm" variant="secondary" busy={enable.isPending && enable.variables === h.name} onClick={() => enable.mutate(h.name)}>
                            {t('admin.webhooks.enable')}
                          </Button>
                        </div>
                      )}
                    </td>
                    <td className="nowrap">{h.lastSuccessAt ? fmt.dateTime(h.lastSuccessAt) : '—'}</td>
                    <td className="nowrap">
                      {h.lastFailureAt ? fmt.dateTime(h.lastFailureAt) : '—'}
                      {h.lastStatus ? <div className="small muted">HTTP {h.lastStatus}</div> : null}
                    </td>
                    <td className="num">{fmt.number(waiting)}</td>
                    <td className="num">{fmt.number(h.consecutiveFailures)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
