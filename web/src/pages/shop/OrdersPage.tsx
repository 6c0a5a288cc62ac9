import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { call, type Query } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SelectField } from '../../components/Field.tsx';
import { Button } from '../../components/Button.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormat } from '../../lib/format.ts';
import { ORDER_STATUSES } from './shopTypes.ts';
import { ReturnToCancel } from './ReturnToCancel.tsx';

export default function OrdersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const orders = useInfiniteQuery({
    queryKey: ['shop', 'orders', status],
    queryFn: ({ pageParam }) => {
      return call('get', '/api/shop/orders', { query: { status: (status || undefined) as Query<'/api/shop/orders', 'get'>['status'], cursor: pageParam || undefined } });
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'confirm-receipt' | 'cancel' }) =>
      action === 'cancel' ? call('post', '/api/shop/orders/{orderId}/cancel', { path: { orderId: id } }) : call('post', '/api/shop/orders/{orderId}/confirm-receipt', { path: { orderId: id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['shop'] }),
  });

  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title={t('shop.ordersTitle')} lead={t('shop.ordersLead')} back={<Link to="/account"><span className="dir-arrow" aria-hidden="true">←</span> {t('nav.account')}</Link>} />
      <ReturnToCancel />
      <div className="filters">
        <SelectField
          label={t('shop.filterStatus')}
          value={status}
          onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}
          options={[
            { value: '', label: t('common.all') },
            { value: 'pending', label: t('shop.pendingFilter') },
            ...ORDER_STATUSES.map((s) => ({ value: s, label: t(`status.order_${s}`) })),
          ]}
        />
      </div>
      {act.error && <ErrorAlert error={act.error} />}
      {orders.isPending && <Loading />}
      {orders.error && <ErrorAlert error={orders.error} />}
      {orders.isSuccess && items.length === 0 && <EmptyState title={t('shop.noOrders')} />}
      <ul className="order-list">
        {items.map((o) => (
          <li key={o.id} className="card order">
            <div className="card-body">
              <div className="row-between">
                <p className="list-title">
                  {t('shop.orderPlaced', { date: fmt.date(o.placedAt) })} <StatusBadge status={`order_${o.status}`} />
                </p>
                <p className="stat-sm">{fmt.money(o.total)}</p>
              </div>
              {o.items.length > 0 && (
                <ul className="order-items" data-user-content>
                  {o.items.map((item, i) => (
                    <li key={i}>
                      {item.productName} × {item.qty} · {fmt.money(item.price)}
                    </li>
                  ))}
                </ul>
              )}
              <p className="muted small">{t(`shop.orderHint.${o.status}`)}</p>
              {o.status === 'shipped' && (
                <Button size="sm" busy={act.isPending && act.variables?.id === o.id} onClick={() => act.mutate({ id: o.id, action: 'confirm-receipt' })}>
                  {t('shop.confirmReceipt')}
                </Button>
              )}
              {o.status === 'awaiting_payment' && (
                <Button size="sm" variant="secondary" busy={act.isPending && act.variables?.id === o.id} onClick={() => act.mutate({ id: o.id, action: 'cancel' })}>
                  {t('shop.cancelOrder')}
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {orders.hasNextPage && (
        <div className="pager">
          <Button variant="secondary" busy={orders.isFetchingNextPage} onClick={() => orders.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
