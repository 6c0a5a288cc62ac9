import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { useSessionRefresh } from '../../api/session.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AuthCard } from '../../components/AuthCard.tsx';
import { Loading } from '../../components/Loading.tsx';
import { check, requiredSchema, type FieldErrors } from '../../lib/schemas.ts';
import { safeNext } from './safeNext.ts';

/**
 * The platform's account has the verified email of an account here: the two are linked only once
 * that account's password is given (never merged silently).
 */
export default function LinkAccountPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const refresh = useSessionRefresh();
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const pending = useQuery({ queryKey: ['pending-link'], queryFn: () => call('get', '/api/auth/link', { quiet401: true }) });
  const link = useMutation({
    mutationFn: (body: { password: string }) => call('post', '/api/auth/link', { body, quiet401: true }),
    onSuccess: async (answer) => {
      await refresh(answer.csrfToken);
      navigate(safeNext(answer.returnTo) ?? '/account', { replace: true });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = check(requiredSchema, password);
    if (!result.ok) return setErrors({ password: result.errors._ });
    setErrors({});
    link.mutate({ password });
  };

  if (pending.isPending) return <Loading />;
  if (pending.error) {
    return (
      <div className="narrow">
        <PageHeader title={t('auth.link.title')} />
        <ErrorAlert error={pending.error} />
        <p className="below-card">
          <Link to="/sign-in">{t('auth.backToSignIn')}</Link>
        </p>
      </div>
    );
  }
  const email = pending.data.email;
  return (
    <AuthCard title={t('auth.link.title')} lead={email ? t('auth.link.lead', { email }) : t('auth.link.leadNoEmail')}>
      <form onSubmit={submit} noValidate className="form">
        {link.error && <ErrorAlert error={link.error} />}
        <TextField
          label={t('auth.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          autoFocus
        />
        <div className="form-actions">
          <Button type="submit" busy={link.isPending}>
            {t('auth.link.submit')}
          </Button>
        </div>
      </form>
    </AuthCard>
  );
}
