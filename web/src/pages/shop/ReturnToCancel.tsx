import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '../../components/Alert.tsx';
import { hasWizardDraft } from '../cancel/wizardDraft.ts';

/** After fixing a blocker from the checklist, one link leads straight back to it. */
export function ReturnToCancel() {
  const { t } = useTranslation();
  if (!hasWizardDraft()) return null;
  return (
    <Alert tone="info">
      {t('shop.returnHint')} <Link to="/account/cancel">{t('shop.returnLink')}</Link>
    </Alert>
  );
}
