import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Alert } from '../../components/Alert.tsx';
import { useFormat } from '../../lib/format.ts';
import { ReturnToCancel } from './ReturnToCancel.tsx';

export default function WalletPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const wallet = useQuery({ queryKey: ['shop', 'wallet'], queryFn: () => call('get', '/api/shop/wallet') });
  const withdraw = useMutation({
    mutationFn: () => call('post', '/api/shop/wallet/withdraw'),
    onSuccess: () => client.invalidateQueries({ queryKey: ['shop'] }),
  });
  return (
    <>
      <PageHeader title={t('shop.walletTitle')} lead={t('shop.walletLead')} back={<Link to="/account"><span className="dir-arrow" aria-hidden="true">←</span> {t('nav.account')}</Link>} />
      <ReturnToCancel />
      {wallet.isPending && <Loading />}
      {wallet.error && <ErrorAlert error={wallet.error} />}
      {wallet.data && (
        <>
          <div className="grid-2">
            <Card title={t('shop.balance')} id="balance">
              <p className="stat">{fmt.money(wallet.data.balance)}</p>
              {withdraw.isSuccess && (
                <Alert tone="success" live="polite">
                  {t('shop.withdrawn', { amount: fmt.money({ value: withdraw.data.withdrawn, currency: withdraw.data.currency }) })}
                </Alert>
              )}
              {withdraw.error && <ErrorAlert error={withdraw.error} />}
              {(wallet.data.balance.value ?? 0) > 0 && (
                <Button busy={withdraw.isPending} onClick={() => withdraw.mutate()}>
                  {t('shop.withdraw')}
                </Button>
              )}
            </Card>
            <Card title={t('shop.points')} id="points">
              <p className="stat">{fmt.number(wallet.data.points)}</p>
              <p className="muted small">{t('shop.pointsHint')}</p>
            </Card>
          </div>
          <Card title={t('shop.coupons')} id="coupons">
            {wallet.data.coupons.length === 0 ? (
              <EmptyState title={t('shop.noCoupons')} />
            ) : (
              <div className="table-wrap" tabIndex={0} role="region" aria-label={t('common.scrollTable')}>
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('shop.couponCode')}</th>
                      <th scope="col" className="num">
                        {t('shop.couponValue')}
                      </th>
                      <th scope="col">{t('shop.status')}</th>
                      <th scope="col">{t('shop.expires')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {wallet.data.coupons.map((c) => (
                      <tr key={c.id}>
                        <td className="mono">{c.code}</td>
                        <td className="num">{fmt.money(c.value)}</td>
                        <td>
                          <StatusBadge status={`coupon_${c.status}`} />
                        </td>
                        <td>{fmt.date(c.expiresAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </>
      )}
    </>
  );
}
