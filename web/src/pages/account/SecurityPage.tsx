import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAccount, useMyApplication } from '../../api/queries.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Card } from '../../components/Card.tsx';
import { ButtonLink } from '../../components/Button.tsx';
import { SessionsCard } from './SessionsCard.tsx';
import { TotpCard } from './TotpCard.tsx';
import { AntiPhishingCard } from './AntiPhishingCard.tsx';

export default function SecurityPage() {
  const { t } = useTranslation();
  const account = useAccount();
  const application = useMyApplication();
  if (account.isPending) return <Loading />;
  if (account.error) return <ErrorAlert error={account.error} />;
  const hasRequest = !!application.data && application.data.status !== 'withdrawn';
  return (
    <>
      <PageHeader title={t('security.title')} lead={t('security.lead')} back={<Link to="/account"><span className="dir-arrow" aria-hidden="true">←</span> {t('nav.account')}</Link>} />
      <TotpCard account={account.data} />
      <AntiPhishingCard account={account.data} />
      <SessionsCard />
      <Card title={t('account.home.closeTitle')} id="close-account" className="card-close">
        <p>{t('account.home.closeText')}</p>
        {hasRequest ? (
          <ButtonLink to="/account/cancel/status" variant="primary">
            {t('account.home.viewRequest')}
          </ButtonLink>
        ) : (
          <ButtonLink to="/account/cancel" variant="danger">
            {t('account.cancelAccount')}
          </ButtonLink>
        )}
      </Card>
    </>
  );
}
