import { useTranslation } from 'react-i18next';
import { ButtonLink } from '../../components/Button.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <div className="narrow">
      <PageHeader title={t('notFound.title')} lead={t('notFound.lead')} />
      <ButtonLink to="/" variant="primary">
        {t('notFound.home')}
      </ButtonLink>
    </div>
  );
}
