import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAccount, useMyApplication } from '../../api/queries.ts';
import { Card } from '../../components/Card.tsx';
import { ButtonLink } from '../../components/Button.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useFormat } from '../../lib/format.ts';
import { ShopOverview } from '../shop/ShopOverview.tsx';

export default function AccountHomePage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const account = useAccount();
  const application = useMyApplication();
  const app = application.data;
  const hasRequest = !!app && app.status !== 'withdrawn';

  if (account.isPending) return <Loading />;
  if (account.error) return <ErrorAlert error={account.error} />;
  const me = account.data;

  return (
    <>
      <PageHeader title={t('account.home.title', { name: me.displayName })} lead={t('account.home.lead', { date: fmt.date(me.createdAt) })} />

      {hasRequest && (
        <Card title={t('account.home.requestTitle')} id="request" tone="muted">
          <div className="row-between">
            <p>
              {t('account.home.requestStatus')} <StatusBadge status={app.status} />
            </p>
            <ButtonLink to="/account/cancel/status" variant="primary">
              {t('account.home.viewRequest')}
            </ButtonLink>
          </div>
        </Card>
      )}

      <ShopOverview />

      <div className="grid-2">
        <Card title={t('account.home.profileTitle')} id="profile">
          <dl className="facts">
            <div>
              <dt>{t('fields.email')}</dt>
              <dd>{me.email ? <bdi dir="ltr">{me.email}</bdi> : t('common.none')}</dd>
            </div>
            <div>
              <dt>{t('fields.phone')}</dt>
              <dd>{me.phone ? <bdi dir="ltr">{me.phone}</bdi> : t('common.none')}</dd>
            </div>
          </dl>
          <p>
            <Link to="/account/settings">{t('account.home.settingsLink')}</Link>
          </p>
        </Card>
        <Card title={t('account.home.securityTitle')} id="security">
          <dl className="facts">
            <div>
              <dt>{t('security.totp.title')}</dt>
              <dd>{me.totpEnabled ? t('common.on') : t('common.off')}</dd>
            </div>
            <div>
              <dt>{t('security.antiPhishing.title')}</dt>
              <dd>{me.antiPhishingCode ? t('common.set') : t('common.notSet')}</dd>
            </div>
          </dl>
          <p>
            <Link to="/account/security">{t('account.home.securityLink')}</Link>
          </p>
        </Card>
      </div>

      {!hasRequest && (
        <Card title={t('account.home.closeTitle')} id="close-account" className="card-close">
          <p>{t('account.home.closeText')}</p>
          <ButtonLink to="/account/cancel" variant="danger" data-testid="cancel-account-entry">
            {t('account.cancelAccount')}
          </ButtonLink>
        </Card>
      )}
    </>
  );
}
