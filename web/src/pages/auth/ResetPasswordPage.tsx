import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { useSignOutReset } from '../../api/session.ts';
import { Button, ButtonLink } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { AuthCard } from '../../components/AuthCard.tsx';
import { Alert } from '../../components/Alert.tsx';
import { check, resetSchema, PASSWORD_MIN, type FieldErrors } from '../../lib/schemas.ts';

/** The token of the mailed link, `#token=…` (a fragment never reaches servers or their logs). */
function fragmentToken(): string {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  return match ? decodeURIComponent(match[1]) : '';
}

export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const signedOut = useSignOutReset();
  const navigate = useNavigate();
  const location = useLocation();
  const [fromLink] = useState(fragmentToken);
  const [values, setValues] = useState({ token: fromLink, password: '', confirm: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const reset = useMutation({
    mutationFn: (body: { token: string; password: string }) => call('post', '/api/auth/password/reset', { body }),
    onSuccess: () => signedOut(),
  });
  useEffect(() => {
    // Take the token out of the address bar, so it is not left in history or shown over a shoulder.
    if (location.hash) navigate({ pathname: location.pathname, search: location.search }, { replace: true });
  }, [location, navigate]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = check(resetSchema, values);
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    reset.mutate({ token: result.data.token, password: result.data.password });
  };
  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [key]: e.target.value }));

  return (
    <AuthCard title={t('auth.reset.title')} lead={fromLink ? t('auth.reset.leadLink') : t('auth.reset.leadCode')} below={<Link to="/forgot-password">{t('auth.reset.newLink')}</Link>}>
      {reset.isSuccess ? (
        <div className="stack">
          <Alert tone="success" title={t('auth.reset.doneTitle')} live="polite">
            {t('auth.reset.done')}
          </Alert>
          <ButtonLink to="/sign-in" variant="primary">
            {t('nav.signIn')}
          </ButtonLink>
        </div>
      ) : (
        <form onSubmit={submit} noValidate className="form">
          {reset.error && <ErrorAlert error={reset.error} />}
          {!fromLink && <TextField label={t('auth.reset.code')} autoComplete="one-time-code" value={values.token} onChange={set('token')} error={errors.token} autoFocus />}
          <TextField
            label={t('auth.reset.newPassword')}
            type="password"
            autoComplete="new-password"
            value={values.password}
            onChange={set('password')}
            error={errors.password}
            hint={t('auth.passwordHint', { min: PASSWORD_MIN })}
            autoFocus={!!fromLink}
          />
          <TextField label={t('auth.confirmPassword')} type="password" autoComplete="new-password" value={values.confirm} onChange={set('confirm')} error={errors.confirm} />
          <div className="form-actions">
            <Button type="submit" busy={reset.isPending}>
              {t('auth.reset.submit')}
            </Button>
          </div>
        </form>
      )}
    </AuthCard>
  );
}
