import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useShopOverview } from '../../api/queries.ts';
import { Card } from '../../components/Card.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { useFormat } from '../../lib/format.ts';
import type { Overview } from './shopTypes.ts';

/** Orders, wallet and coupons from the marketplace (GET /api/shop/overview). */
export function ShopOverview() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const query = useShopOverview();
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorAlert error={query.error} />;
  const overview = query.data as Overview | null;
  if (!overview?.orders)
    return (
      <Card title={t('shop.title')} id="shop">
        <EmptyState title={t('shop.unavailable')}>{t('shop.unavailableText')}</EmptyState>
      </Card>
    );
  const open = [
    overview.openDisputes > 0 && { to: '/account/disputes', text: t('shop.openDisputes', { count: overview.openDisputes }) },
    overview.refundsInProgress > 0 && { to: '/account/refunds', text: t('shop.refundsInProgress', { count: overview.refundsInProgress }) },
    overview.activeSubscriptions > 0 && { to: '/account/subscriptions', text: t('shop.activeSubscriptions', { count: overview.activeSubscriptions }) },
  ].filter(Boolean) as Array<{ to: string; text: string }>;

  return (
    <Card title={t('shop.title')} id="shop">
      <div className="grid-3 stats">
        <div className="stat-box">
          <p className="muted small">{t('shop.orders')}</p>
          <p className="stat">{fmt.number(overview.orders.total)}</p>
          <p className="small">
            {overview.orders.pending > 0 ? (
              <Link to="/account/orders?status=pending">{t('shop.pendingOrders', { count: overview.orders.pending })}</Link>
            ) : (
              t('shop.noPendingOrders')
            )}
          </p>
        </div>
        <div className="stat-box">
          <p className="muted small">{t('shop.wallet')}</p>
          <p className="stat">{fmt.money(overview.wallet)}</p>
          <p className="small">
            <Link to="/account/wallet">{t('shop.walletLink')}</Link>
          </p>
        </div>
        <div className="stat-box">
          <p className="muted small">{t('shop.couponsAndPoints')}</p>
          <p className="stat">{t('shop.couponsCount', { count: overview.coupons.unused })}</p>
          <p className="small">{t('shop.pointsCount', { count: overview.points, formatted: fmt.number(overview.points) })}</p>
        </div>
      </div>
      {open.length > 0 && (
        <ul className="inline-list">
          {open.map((o) => (
            <li key={o.to}>
              <Link to={o.to}>{o.text}</Link>
            </li>
          ))}
        </ul>
      )}
      <h3 className="subhead">{t('shop.recentOrders')}</h3>
      {overview.recentOrders.length === 0 ? (
        <EmptyState title={t('shop.noOrders')} />
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('common.scrollTable')}>
          <table className="table">
            <caption className="visually-hidden">{t('shop.recentOrders')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('shop.placedAt')}</th>
                <th scope="col">{t('shop.status')}</th>
                <th scope="col" className="num">
                  {t('shop.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {overview.recentOrders.map((o) => (
                <tr key={o.id}>
                  <td>{fmt.date(o.placedAt)}</td>
                  <td>
                    <StatusBadge status={`order_${o.status}`} />
                  </td>
                  <td className="num">{fmt.money(o.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="card-foot">
        <Link to="/account/orders">{t('shop.allOrders')}</Link>
      </p>
    </Card>
  );
}
