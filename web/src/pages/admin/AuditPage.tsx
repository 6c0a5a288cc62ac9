import { useTranslation } from 'react-i18next';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { call, type Answer } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormat } from '../../lib/format.ts';

type AuditPageAnswer = Answer<'/api/admin/audit', 'get'>;
type ChainStatus = Answer<'/api/admin/audit/verify', 'get'>;

const chainOk = (s: ChainStatus) => s.intact;

/** The hash-chained audit log, newest first, and whether the chain is intact. */
export default function AuditPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const verify = useQuery({ queryKey: ['admin', 'audit', 'verify'], queryFn: () => call('get', '/api/admin/audit/verify'), staleTime: 0 });
  const log = useInfiniteQuery({
    queryKey: ['admin', 'audit'],
    queryFn: ({ pageParam }): Promise<AuditPageAnswer> => call('get', '/api/admin/audit', { query: { cursor: pageParam ? Number(pageParam) : undefined } }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const status = verify.data;
  const bad = status?.firstBadSeq;
  return (
    <>
      <PageHeader title={t('admin.audit.title')} lead={t('admin.audit.lead')} />
      <Card
        title={t('admin.audit.chain')}
        id="chain"
        actions={
          <Button variant="secondary" size="sm" busy={verify.isFetching} onClick={() => verify.refetch()}>
            {t('admin.audit.verify')}
          </Button>
        }
      >
        {verify.isPending && <Loading />}
        {verify.error && <ErrorAlert error={verify.error} />}
        {status && (
          <p data-testid="chain-status" data-ok={String(chainOk(status))}>
            {chainOk(status) ? (
              <span className="chain-ok">✓ {t('admin.audit.intact', { count: status.entries })}</span>
            ) : (
              <span className="chain-bad">
                ✕ {t('admin.audit.broken')} {bad !== undefined && <code>{bad}</code>}
              </span>
            )}
          </p>
        )}
      </Card>
      {log.isPending && <Loading />}
      {log.error && <ErrorAlert error={log.error} />}
      {log.isSuccess && entries.length === 0 && <EmptyState title={t('admin.audit.empty')} />}
      {entries.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('common.scrollTable')}>
          <table className="table" data-testid="audit-table">
            <caption className="visually-hidden">{t('admin.audit.title')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">{t('admin.audit.at')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.actor')}</th>
                <th scope="col">{t('admin.audit.subject')}</th>
                <th scope="col">{t('admin.audit.data')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={String(e.seq)}>
                  <td className="num">{e.seq}</td>
                  <td className="nowrap">{fmt.dateTime(e.at)}</td>
                  <td className="mono nowrap">{e.action}</td>
                  <td className="mono" title={e.actor}>
                    {e.actor.length > 14 ? `${e.actor.slice(0, 12)}…` : e.actor}
                  </td>
                  <td className="mono" title={e.subject ?? ''}>
                    {e.subject ? (e.subject.length > 14 ? `${e.subject.slice(0, 12)}…` : e.subject) : '—'}
                  </td>
                  <td className="mono small">{e.data && Object.keys(e.data).length ? JSON.stringify(e.data) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <div className="pager">
          <Button variant="secondary" busy={log.isFetchingNextPage} onClick={() => log.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
