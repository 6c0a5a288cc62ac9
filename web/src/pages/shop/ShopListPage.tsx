import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import type { Money } from '../../api/types.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Button } from '../../components/Button.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormat } from '../../lib/format.ts';
import { ReturnToCancel } from './ReturnToCancel.tsx';

type Kind = 'disputes' | 'refunds' | 'subscriptions';

interface Row {
  id: string;
  status: string;
  orderId?: string | null;
  planName?: string;
  amount?: Money;
  price?: Money;
  openedAt?: string;
  closedAt?: string | null;
  requestedAt?: string;
  completedAt?: string | null;
  startedAt?: string;
  renewsAt?: string | null;
}

/** Disputes, refunds and subscriptions: the same list shape, one page each. */
function ShopListPage({ kind }: { kind: Kind }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['shop', kind], queryFn: (): Promise<{ items: Row[] }> => call('get', `/api/shop/${kind}` as `/api/shop/${Kind}`) });
  const cancel = useMutation({
    mutationFn: (id: string) => call('post', '/api/shop/subscriptions/{subscriptionId}/cancel', { path: { subscriptionId: id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['shop'] }),
  });
  return (
    <>
      <PageHeader title={t(`shop.${kind}Title`)} lead={t(`shop.${kind}Lead`)} back={<Link to="/account"><span className="dir-arrow" aria-hidden="true">←</span> {t('nav.account')}</Link>} />
      <ReturnToCancel />
      {list.isPending && <Loading />}
      {list.error && <ErrorAlert error={list.error} />}
      {cancel.error && <ErrorAlert error={cancel.error} />}
      {list.data && list.data.items.length === 0 && <EmptyState title={t(`shop.${kind}Empty`)} />}
      {list.data && list.data.items.length > 0 && (
        <ul className="list card card-body">
          {list.data.items.map((row) => (
            <li key={row.id} className="list-item">
              <div>
                <p className="list-title">
                  {row.planName ?? (row.amount ? fmt.money(row.amount) : t(`shop.${kind}Item`))} <StatusBadge status={`${kind}_${row.status}`} />
                </p>
                <p className="muted small">
                  {kind === 'disputes' && t('shop.disputeMeta', { opened: fmt.date(row.openedAt), closed: row.closedAt ? fmt.date(row.closedAt) : '—' })}
                  {kind === 'refunds' && t('shop.refundMeta', { requested: fmt.date(row.requestedAt), completed: row.completedAt ? fmt.date(row.completedAt) : '—' })}
                  {kind === 'subscriptions' && t('shop.subscriptionMeta', { price: fmt.money(row.price), renews: row.renewsAt ? fmt.date(row.renewsAt) : '—' })}
                </p>
              </div>
              {kind === 'subscriptions' && row.status === 'active' && (
                <Button size="sm" variant="secondary" busy={cancel.isPending && cancel.variables === row.id} onClick={() => cancel.mutate(row.id)}>
                  {t('shop.cancelSubscription')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {kind === 'disputes' && <p className="muted">{t('shop.disputesHelp')}</p>}
    </>
  );
}

export const DisputesPage = () => <ShopListPage kind="disputes" />;
export const RefundsPage = () => <ShopListPage kind="refunds" />;
export const SubscriptionsPage = () => <ShopListPage kind="subscriptions" />;
