import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { useServiceNow } from '../../api/dev.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SelectField } from '../../components/Field.tsx';
import { Button } from '../../components/Button.tsx';
import { Badge, StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormat } from '../../lib/format.ts';
import { slaState } from './reviewTypes.ts';

const STATUS_FILTERS = ['', 'submitted', 'in_review', 'needs_info', 'rejected', 'approved', 'grace', 'erasing', 'erased', 'withdrawn'];

export default function ReviewQueuePage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useServiceNow();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const [sla, setSla] = useState('');
  const [claim, setClaim] = useState('');

  const queue = useInfiniteQuery({
    queryKey: ['review', 'queue', status],
    queryFn: ({ pageParam }) => {
      return call('get', '/api/review/applications', { query: { status: status || undefined, cursor: pageParam || undefined } });
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const claimCase = useMutation({
    mutationFn: (id: string) => call('post', '/api/review/applications/{id}/claim', { path: { id } }),
    onSuccess: (_d, id) => navigate(`/review/${encodeURIComponent(id)}`),
  });

  const all = queue.data?.pages.flatMap((p) => p.items) ?? [];
  const items = all.filter((item) => {
    const state = slaState(item.dueAt, now, item.slaBreached);
    if (sla && state !== sla) return false;
    if (claim === 'mine' && !item.claimedByMe) return false;
    if (claim === 'unclaimed' && item.claimedBy) return false;
    return true;
  });

  return (
    <>
      <PageHeader title={t('review.queue.title')} lead={t('review.queue.lead')} actions={<Button variant="secondary" size="sm" busy={queue.isFetching} onClick={() => queue.refetch()}>{t('common.refresh')}</Button>} />
      <div className="filters" role="search" aria-label={t('review.queue.filters')}>
        <SelectField
          label={t('review.queue.status')}
          value={status}
          onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}
          options={STATUS_FILTERS.map((s) => ({ value: s, label: s ? t(`status.${s}`) : t('review.queue.toReview') }))}
        />
        <SelectField
          label={t('review.queue.sla')}
          value={sla}
          onChange={(e) => setSla(e.target.value)}
          options={[
            { value: '', label: t('common.all') },
            { value: 'overdue', label: t('review.sla.overdue') },
            { value: 'due_soon', label: t('review.sla.due_soon') },
            { value: 'on_track', label: t('review.sla.on_track') },
          ]}
        />
        <SelectField
          label={t('review.queue.claim')}
          value={claim}
          onChange={(e) => setClaim(e.target.value)}
          options={[
            { value: '', label: t('common.all') },
            { value: 'mine', label: t('review.queue.mine') },
            { value: 'unclaimed', label: t('review.queue.unclaimed') },
          ]}
        />
      </div>
      {claimCase.error && <ErrorAlert error={claimCase.error} />}
      {queue.isPending && <Loading />}
      {queue.error && <ErrorAlert error={queue.error} />}
      {queue.isSuccess && items.length === 0 && <EmptyState title={t('review.queue.empty')} icon="✓" />}
      {items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('common.scrollTable')}>
          <table className="table" data-testid="review-queue">
            <caption className="visually-hidden">{t('review.queue.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('review.queue.request')}</th>
                <th scope="col">{t('review.queue.status')}</th>
                <th scope="col">{t('review.queue.due')}</th>
                <th scope="col">{t('review.queue.submitted')}</th>
                <th scope="col" className="num">
                  {t('review.queue.blockers')}
                </th>
                <th scope="col">{t('review.queue.flags')}</th>
                <th scope="col">{t('review.queue.claim')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const state = slaState(item.dueAt, now, item.slaBreached);
                return (
                  <tr key={item.id} className={state === 'overdue' ? 'row-overdue' : state === 'due_soon' ? 'row-due-soon' : undefined} data-sla={state}>
                    <td>
                      <Link to={`/review/${encodeURIComponent(item.id)}`} className="mono">
                        {item.id.slice(-8)}
                      </Link>
                      <div className="small muted">{t(`reasons.${item.reasonCode}`, { defaultValue: item.reasonCode })}</div>
                    </td>
                    <td>
                      <StatusBadge status={item.status} />
                    </td>
                    <td className="nowrap">
                      {fmt.date(item.dueAt)}
                      <div className="small">
                        <Badge tone={state === 'overdue' ? 'danger' : state === 'due_soon' ? 'warning' : 'neutral'}>{t(`review.sla.${state}`)}</Badge>{' '}
                        <span className="muted">{fmt.relative(item.dueAt, now)}</span>
                      </div>
                    </td>
                    <td className="nowrap">{fmt.date(item.submittedAt)}</td>
                    <td className="num">{item.blockersNow > 0 ? <Badge tone="danger">{fmt.number(item.blockersNow)}</Badge> : '0'}</td>
                    <td>
                      {item.riskFlags.map((f) => (
                        <Badge key={f} tone="warning">
                          {t(`review.flags.${f}`, { defaultValue: f })}
                        </Badge>
                      ))}
                      {item.unreadMessages > 0 && <Badge tone="info">{t('review.queue.unread', { count: item.unreadMessages })}</Badge>}
                    </td>
                    <td className="nowrap">
                      {item.claimedByMe ? (
                        <Link to={`/review/${encodeURIComponent(item.id)}`}>{t('review.queue.yours')}</Link>
                      ) : item.claimedBy ? (
                        <span className="muted">{t('review.queue.claimedByOther')}</span>
                      ) : ['submitted', 'in_review'].includes(item.status) ? (
                        <Button size="sm" busy={claimCase.isPending && claimCase.variables === item.id} onClick={() => claimCase.mutate(item.id)} aria-label={t('review.queue.claimLabel', { id: item.id.slice(-8) })}>
                          {t('review.queue.claimAction')}
                        </Button>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {queue.hasNextPage && (
        <div className="pager">
          <Button variant="secondary" busy={queue.isFetchingNextPage} onClick={() => queue.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
