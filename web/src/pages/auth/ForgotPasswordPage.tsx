import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { Button, ButtonLink } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { AuthCard } from '../../components/AuthCard.tsx';
import { Alert } from '../../components/Alert.tsx';
import { check, forgotSchema, type FieldErrors } from '../../lib/schemas.ts';

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [identifier, setIdentifier] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const forgot = useMutation({ mutationFn: (id: string) => call('post', '/api/auth/password/forgot', { body: { identifier: id } }) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = check(forgotSchema, { identifier });
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    forgot.mutate(result.data.identifier);
  };

  const byPhone = identifier.trim().startsWith('+');
  return (
    <AuthCard title={t('auth.forgot.title')} lead={t('auth.forgot.lead')} below={<Link to="/sign-in">{t('auth.backToSignIn')}</Link>}>
      {forgot.isSuccess ? (
        <div className="stack">
          <Alert tone="success" title={t('auth.forgot.sentTitle')} live="polite">
            {byPhone ? t('auth.forgot.sentSms') : t('auth.forgot.sentEmail')}
          </Alert>
          {byPhone && (
            <ButtonLink to="/reset-password" variant="primary">
              {t('auth.forgot.enterCode')}
            </ButtonLink>
          )}
        </div>
      ) : (
        <form onSubmit={submit} noValidate className="form">
          {forgot.error && <ErrorAlert error={forgot.error} />}
          <TextField
            label={t('auth.identifier')}
            hint={t('auth.identifierHint')}
            autoComplete="username"
            value={identifier}
            onChange={(e) => setIdentifier(e.target.value)}
            error={errors.identifier}
            autoFocus
          />
          <div className="form-actions">
            <Button type="submit" busy={forgot.isPending}>
              {t('auth.forgot.submit')}
            </Button>
          </div>
        </form>
      )}
    </AuthCard>
  );
}
