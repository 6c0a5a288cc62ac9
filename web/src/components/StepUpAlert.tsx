import { useTranslation } from 'react-i18next';
import { useAccount } from '../api/queries.ts';
import { Alert } from './Alert.tsx';
import { ReauthForm } from './ReauthForm.tsx';

/** Shown when the server answered REAUTH_REQUIRED: the step-up form, then `onDone` retries. */
export function StepUpAlert({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const account = useAccount();
  if (!account.data) return null;
  return (
    <Alert tone="warning" title={t('errors.REAUTH_REQUIRED')}>
      <ReauthForm totpEnabled={account.data.totpEnabled} onDone={onDone} />
    </Alert>
  );
}
