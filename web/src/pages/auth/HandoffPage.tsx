import { useEffect, useRef } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { isApiError } from '../../api/client.ts';
import { call } from '../../api/typed.ts';
import { useSessionRefresh } from '../../api/session.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Alert } from '../../components/Alert.tsx';
import { safeNext } from './safeNext.ts';

/**
 * The platform sends a signed-in buyer here with a signed token in the fragment (never sent to a
 * server, so never in a log); this page hands it to the API once and goes on.
 */
export default function HandoffPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const refresh = useSessionRefresh();
  const [params] = useSearchParams();
  const returnTo = safeNext(params.get('returnTo')) ?? '/account';
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  const sent = useRef(false);
  const handoff = useMutation({
    mutationFn: (body: { token: string; returnTo: string }) => call('post', '/api/auth/handoff', { body, quiet401: true }),
    onSuccess: async (answer) => {
      await refresh(answer.csrfToken);
      navigate(returnTo, { replace: true });
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'LINK_REQUIRED') navigate(`/link-account?returnTo=${encodeURIComponent(returnTo)}`, { replace: true });
    },
  });

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    // The token is single-use: take it out of the address bar and history at once.
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
    handoff.mutate({ token, returnTo });
  }, [token, returnTo, handoff]);

  if (!token && !handoff.isPending && !handoff.isError && !sent.current) {
    return (
      <div className="narrow">
        <PageHeader title={t('auth.handoff.failed')} />
        <Alert tone="warning" title={t('auth.handoff.failed')}>
          {t('auth.handoff.missing')}
        </Alert>
      </div>
    );
  }
  if (handoff.isError && !(isApiError(handoff.error) && handoff.error.code === 'LINK_REQUIRED')) {
    return (
      <div className="narrow">
        <PageHeader title={t('auth.handoff.failed')} />
        <ErrorAlert error={handoff.error} />
        <p className="below-card">
          <Link to="/sign-in">{t('auth.backToSignIn')}</Link>
        </p>
      </div>
    );
  }
  return <Loading label={t('auth.handoff.title')} />;
}
