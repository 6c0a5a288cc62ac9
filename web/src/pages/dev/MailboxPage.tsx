import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TextField } from '../../components/Field.tsx';
import { Button } from '../../components/Button.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormat } from '../../lib/format.ts';
import { splitLinks } from '../../lib/text-links.ts';

/** Plain text with its links made clickable (mail bodies are text; no HTML is injected). */
function linkify(text: string): ReactNode[] {
  return splitLinks(text).map((part, i) =>
    part.href ? (
      <a key={i} href={part.href}>
        {part.text}
      </a>
    ) : (
      part.text
    ),
  );
}

/** Every mail and text message the demo server "sent", newest first. */
export default function MailboxPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState('');
  const mail = useQuery({
    queryKey: ['dev', 'mailbox', applied],
    queryFn: () => call('get', '/api/dev/mailbox', { query: { to: applied || undefined } }),
    refetchInterval: 10_000,
  });
  return (
    <>
      <PageHeader title={t('dev.mailbox.title')} lead={t('dev.mailbox.lead')} />
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(to.trim());
        }}
      >
        <TextField label={t('dev.mailbox.to')} value={to} onChange={(e) => setTo(e.target.value)} type="search" />
        <Button type="submit" variant="secondary">
          {t('admin.filter')}
        </Button>
        <Button variant="ghost" busy={mail.isFetching} onClick={() => mail.refetch()}>
          {t('common.refresh')}
        </Button>
      </form>
      {mail.isPending && <Loading />}
      {mail.error && <ErrorAlert error={mail.error} />}
      {mail.data?.length === 0 && <EmptyState title={t('dev.mailbox.empty')} />}
      <ul className="mail-list" data-testid="mailbox">
        {mail.data?.map((m, i) => (
          <li key={`${m.sentAt}-${i}`}>
            <details className="mail" open={i === 0}>
              <summary>
                <span>
                  <strong>{m.subject || t('dev.mailbox.sms')}</strong>
                  <br />
                  <span className="small muted">
                    {t('dev.mailbox.toLine', { to: m.to })} {m.channel === 'sms' && <Badge tone="info">SMS</Badge>}
                  </span>
                </span>
                <time className="small muted" dateTime={m.sentAt}>
                  {fmt.dateTime(m.sentAt)}
                </time>
              </summary>
              <pre className="mail-body">{linkify(m.text)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </>
  );
}
