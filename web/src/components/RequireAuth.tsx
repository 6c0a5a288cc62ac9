import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { hasRole, useSession } from '../api/session.ts';
import type { Role } from '../api/types.ts';
import { Loading } from './Loading.tsx';
import { Alert } from './Alert.tsx';

/** Renders its children for a signed-in user (holding `role` when given); otherwise asks to sign in. */
export function RequireAuth({ role, children }: { role?: Role; children: ReactNode }) {
  const { data, isPending } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (isPending) return <Loading />;
  if (!data?.user) {
    // The hash too: a mailed link such as /account#exports leads back to its card after sign-in.
    const next = encodeURIComponent(location.pathname + location.search + location.hash);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  if (role && !hasRole(data.user, role)) {
    return (
      <Alert tone="warning" title={t('errors.FORBIDDEN')}>
        {t('auth.forbiddenHint')}
      </Alert>
    );
  }
  return <>{children}</>;
}
