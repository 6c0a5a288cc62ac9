import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { call } from '../api/typed.ts';
import { useSession, useSessionRefresh } from '../api/session.ts';
import { Button } from './Button.tsx';
import { TextField } from './Field.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { check, requiredSchema, secondFactorSchema, type FieldErrors } from '../lib/schemas.ts';

interface ReauthFormProps {
  totpEnabled: boolean;
  onDone: (until: string) => void;
  submitLabel?: string;
}

/**
 * Step-up: the password (or an authenticator code) once more. The server rotates the session and
 * answers a new CSRF token, which every later request must carry.
 */
export function ReauthForm({ totpEnabled, onDone, submitLabel }: ReauthFormProps) {
  const { t } = useTranslation();
  const refresh = useSessionRefresh();
  const [method, setMethod] = useState<'password' | 'totp'>('password');
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const reauth = useMutation({
    mutationFn: (body: { password: string } | { totp: string }) =>
      call('post', '/api/auth/reauth', { body, quiet401: true }),
    onSuccess: async (answer) => {
      await refresh(answer.csrfToken);
      onDone(answer.reauthenticatedUntil);
    },
  });

  const { data: session } = useSession();

  // A buyer who signs in only through the platform confirms it is them there (max_age=0), and
  // comes back to this page with the step-up done.
  if (session?.user?.hasPassword === false && session.methods?.includes('oidc')) {
    const label = session.oidcLabel ?? '';
    const returnTo = `${window.location.pathname}${window.location.search}`;
    return (
      <div className="form" aria-label={t('reauth.title')}>
        <p>{t('reauth.oidcLead', { label })}</p>
        <div className="form-actions">
          <a className="btn btn-primary" href={`/api/auth/oidc/start?stepUp=1&returnTo=${encodeURIComponent(returnTo)}`}>
            {t('reauth.oidcSubmit', { label })}
          </a>
        </div>
      </div>
    );
  }

  // Signed in by the platform's handoff and no password here: only the platform can confirm it.
  if (session?.user?.hasPassword === false && session.methods?.includes('handoff')) {
    return <p aria-label={t('reauth.title')}>{t('reauth.handoffLead')}</p>;
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = check(method === 'password' ? requiredSchema : secondFactorSchema, value);
    if (!result.ok) return setErrors({ value: result.errors._ });
    setErrors({});
    reauth.mutate(method === 'password' ? { password: value } : { totp: value.trim() });
  };

  return (
    <form onSubmit={submit} noValidate className="form" aria-label={t('reauth.title')}>
      {reauth.error && <ErrorAlert error={reauth.error} />}
      {totpEnabled && (
        <div className="segmented" role="radiogroup" aria-label={t('reauth.method')}>
          {(['password', 'totp'] as const).map((m) => (
            <label key={m} className={`segment${method === m ? ' segment-active' : ''}`}>
              <input type="radio" name="reauth-method" value={m} checked={method === m} onChange={() => (setMethod(m), setValue(''), reauth.reset())} />
              {t(`reauth.${m}`)}
            </label>
          ))}
        </div>
      )}
      {method === 'password' ? (
        <TextField label={t('auth.password')} type="password" autoComplete="current-password" value={value} onChange={(e) => setValue(e.target.value)} error={errors.value} />
      ) : (
        <TextField label={t('auth.totp.code')} hint={t('auth.totp.hint')} autoComplete="one-time-code" value={value} onChange={(e) => setValue(e.target.value)} error={errors.value} />
      )}
      <div className="form-actions">
        <Button type="submit" busy={reauth.isPending}>
          {submitLabel ?? t('reauth.submit')}
        </Button>
      </div>
    </form>
  );
}
