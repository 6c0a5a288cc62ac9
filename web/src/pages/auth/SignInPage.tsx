import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { isApiError } from '../../api/client.ts';
import { call } from '../../api/typed.ts';
import { homeFor, useSession, useSessionRefresh } from '../../api/session.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Alert } from '../../components/Alert.tsx';
import { check, secondFactorSchema, signInSchema, type FieldErrors } from '../../lib/schemas.ts';
import { safeNext } from './safeNext.ts';

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const refresh = useSessionRefresh();
  const { data: session } = useSession();
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});

  const login = useMutation({
    mutationFn: (body: { identifier: string; password: string; totp?: string }) =>
      call('post', '/api/auth/login', { body, quiet401: true }),
    onSuccess: async (answer) => {
      await refresh(answer.csrfToken);
      navigate(safeNext(params.get('next')) ?? homeFor(answer.user), { replace: true });
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'TOTP_REQUIRED') setNeedsTotp(true);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = check(signInSchema, { identifier, password });
    const totpResult = needsTotp ? check(secondFactorSchema, totp) : null;
    const fieldErrors: FieldErrors = result.ok ? {} : result.errors;
    if (totpResult && !totpResult.ok) fieldErrors.totp = totpResult.errors._;
    setErrors(fieldErrors);
    if (Object.keys(fieldErrors).length > 0) return;
    login.mutate({ identifier: identifier.trim(), password, ...(needsTotp ? { totp: totp.trim() } : {}) });
  };

  const showError = login.error && !(isApiError(login.error) && login.error.code === 'TOTP_REQUIRED');
  // Already signed in (a bookmark, the back button): go where the user was heading.
  if (session?.user && !login.isPending && !login.isSuccess) return <Navigate to={safeNext(params.get('next')) ?? homeFor(session.user)} replace />;

  const methods = session?.methods ?? ['password'];
  const local = methods.includes('password');
  const returnTo = safeNext(params.get('next')) ?? '/account';
  const form = (
          <form onSubmit={submit} noValidate className="form">
            {showError && <ErrorAlert error={login.error} title={t('auth.signIn.failed')} />}
            {!needsTotp ? (
              <>
                <TextField
                  label={t('auth.identifier')}
                  hint={t('auth.identifierHint')}
                  name="identifier"
                  autoComplete="username"
                  value={identifier}
                  onChange={(e) => setIdentifier(e.target.value)}
                  error={errors.identifier}
                  autoFocus
                />
                <TextField
                  label={t('auth.password')}
                  type="password"
                  name="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  error={errors.password}
                />
              </>
            ) : (
              <>
                <Alert tone="info" title={t('auth.totp.title')} live="polite">
                  {t('auth.totp.lead')}
                </Alert>
                <TextField
                  label={t('auth.totp.code')}
                  hint={t('auth.totp.hint')}
                  name="totp"
                  inputMode="text"
                  autoComplete="one-time-code"
                  value={totp}
                  onChange={(e) => setTotp(e.target.value)}
                  error={errors.totp}
                  autoFocus
                />
              </>
            )}
            <div className="form-actions">
              <Button type="submit" busy={login.isPending}>
                {needsTotp ? t('auth.totp.verify') : t('auth.signIn.submit')}
              </Button>
              {needsTotp && (
                <Button variant="ghost" onClick={() => (setNeedsTotp(false), setTotp(''), login.reset())}>
                  {t('common.back')}
                </Button>
              )}
            </div>
          </form>
  );

  return (
    <div className="narrow">
      <PageHeader title={t('auth.signIn.title')} lead={local ? t('auth.signIn.lead') : undefined} />
      {methods.includes('oidc') && (
        <div className="card">
          <div className="card-body">
            {/* A full navigation: the provider's page, then back to the callback. */}
            <a className="btn btn-primary" href={`/api/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`}>
              {t('auth.oidc.signIn', { label: session?.oidcLabel ?? '' })}
            </a>
            {local && <p className="muted">{t('auth.oidc.or')}</p>}
          </div>
        </div>
      )}
      {local ? (
        <div className="card">
          <div className="card-body">{form}</div>
        </div>
      ) : (
        // Staff keep their passwords when buyers sign in through the platform.
        <details className="card">
          <summary className="card-body">{t('auth.signIn.staff')}</summary>
          <div className="card-body">{form}</div>
        </details>
      )}
      {local && (
        <p className="below-card">
          <Link to="/forgot-password">{t('auth.signIn.forgot')}</Link>
          <span aria-hidden="true"> · </span>
          <Link to="/sign-up">{t('auth.signIn.noAccount')}</Link>
        </p>
      )}
    </div>
  );
}
