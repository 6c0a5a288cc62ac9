import { negotiateLocale } from '../../../../src/domain/locales.ts';
import { deviceTimeZone } from '../../../../src/domain/time-zones.ts';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { useSessionRefresh } from '../../api/session.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { AuthCard } from '../../components/AuthCard.tsx';
import { check, signUpSchema, PASSWORD_MIN, type FieldErrors } from '../../lib/schemas.ts';

export default function SignUpPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const refresh = useSessionRefresh();
  const [values, setValues] = useState({ displayName: '', email: '', phone: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [key]: e.target.value }));

  const signUp = useMutation({
    mutationFn: async (body: { displayName: string; email?: string; phone?: string; password: string }) => {
      await call('post', '/api/auth/signup', { body: { ...body, locale: negotiateLocale(i18n.resolvedLanguage), timeZone: deviceTimeZone() } });
      const identifier = body.email ?? body.phone!;
      const login = await call('post', '/api/auth/login', { body: { identifier, password: body.password }, quiet401: true });
      return login.csrfToken;
    },
    onSuccess: async (csrf) => {
      await refresh(csrf);
      navigate('/account', { replace: true });
    },
    onError: (error) => {
      const fields = (error as { fields?: Record<string, string> }).fields;
      if (fields) setErrors((e) => ({ ...e, ...fields }));
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = check(signUpSchema, values);
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    const { displayName, email, phone, password } = result.data;
    signUp.mutate({ displayName, password, ...(email ? { email } : {}), ...(phone ? { phone: phone.replace(/[\s().-]/g, '') } : {}) });
  };

  return (
    <AuthCard title={t('auth.signUp.title')} lead={t('auth.signUp.lead')} below={<Link to="/sign-in">{t('auth.signUp.haveAccount')}</Link>}>
      <form onSubmit={submit} noValidate className="form">
        {signUp.error && <ErrorAlert error={signUp.error} />}
        <TextField label={t('fields.displayName')} name="displayName" autoComplete="name" value={values.displayName} onChange={set('displayName')} error={errors.displayName} autoFocus />
        <TextField label={t('fields.email')} type="email" name="email" autoComplete="email" value={values.email} onChange={set('email')} error={errors.email} hint={t('auth.signUp.contactHint')} />
        <TextField label={t('fields.phone')} type="tel" name="phone" autoComplete="tel" value={values.phone} onChange={set('phone')} error={errors.phone} hint={t('auth.phoneHint')} requiredMark={false} />
        <TextField
          label={t('fields.password')}
          type="password"
          name="new-password"
          autoComplete="new-password"
          value={values.password}
          onChange={set('password')}
          error={errors.password}
          hint={t('auth.passwordHint', { min: PASSWORD_MIN })}
        />
        <TextField label={t('auth.confirmPassword')} type="password" name="confirm" autoComplete="new-password" value={values.confirm} onChange={set('confirm')} error={errors.confirm} />
        <div className="form-actions">
          <Button type="submit" busy={signUp.isPending}>
            {t('auth.signUp.submit')}
          </Button>
        </div>
      </form>
    </AuthCard>
  );
}
