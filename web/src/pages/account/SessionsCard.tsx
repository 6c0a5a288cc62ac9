import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { keys, useSessions } from '../../api/queries.ts';
import { useSignOutReset } from '../../api/session.ts';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useFormat } from '../../lib/format.ts';

/** "Chrome on Windows" from a user agent, without a library: good enough to recognise a device. */
function describeAgent(agent: string | null, unknown: string): string {
  if (!agent) return unknown;
  const browser = /Edg\//.test(agent) ? 'Edge' : /Chrom(e|ium)\//.test(agent) ? 'Chrome' : /Firefox\//.test(agent) ? 'Firefox' : /Safari\//.test(agent) ? 'Safari' : null;
  const os = /Windows/.test(agent) ? 'Windows' : /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Mac OS X/.test(agent) ? 'macOS' : /Linux/.test(agent) ? 'Linux' : null;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? agent.slice(0, 40);
}

export function SessionsCard() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const navigate = useNavigate();
  const signedOut = useSignOutReset();
  const sessions = useSessions();
  const end = useMutation({
    mutationFn: (id: string) => call('delete', '/api/account/sessions/{id}', { path: { id } }),
    onSuccess: (_data, id) => {
      if (sessions.data?.items.find((s) => s.id === id)?.current) {
        signedOut();
        navigate('/sign-in');
      } else void client.invalidateQueries({ queryKey: keys.sessions });
    },
  });
  const endOthers = useMutation({
    mutationFn: () => call('delete', '/api/account/sessions'),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.sessions }),
  });

  const others = sessions.data?.items.filter((s) => !s.current).length ?? 0;
  return (
    <Card
      title={t('security.sessions.title')}
      id="sessions"
      actions={
        others > 0 && (
          <Button variant="secondary" size="sm" busy={endOthers.isPending} onClick={() => endOthers.mutate()}>
            {t('security.sessions.endOthers')}
          </Button>
        )
      }
    >
      <p className="muted">{t('security.sessions.lead')}</p>
      {sessions.isPending && <Loading />}
      {sessions.error && <ErrorAlert error={sessions.error} />}
      {(end.error || endOthers.error) && <ErrorAlert error={end.error ?? endOthers.error} />}
      <ul className="list">
        {sessions.data?.items.map((s) => (
          <li key={s.id} className="list-item">
            <div>
              <p className="list-title">
                {describeAgent(s.userAgent, t('security.sessions.unknownDevice'))} {s.current && <Badge tone="success">{t('security.sessions.current')}</Badge>}
              </p>
              <p className="muted small">
                {t('security.sessions.meta', { created: fmt.dateTime(s.createdAt), seen: fmt.dateTime(s.lastSeenAt) })}
              </p>
            </div>
            <Button
              variant="secondary"
              size="sm"
              busy={end.isPending && end.variables === s.id}
              onClick={() => end.mutate(s.id)}
              aria-label={s.current ? t('security.sessions.signOutHere') : t('security.sessions.endLabel', { device: describeAgent(s.userAgent, '') })}
            >
              {s.current ? t('security.sessions.signOutHere') : t('security.sessions.end')}
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
