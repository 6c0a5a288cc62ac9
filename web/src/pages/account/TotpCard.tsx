import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../../api/client.ts';
import { call } from '../../api/typed.ts';
import { keys } from '../../api/queries.ts';
import type { Account } from '../../api/types.ts';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Badge } from '../../components/Badge.tsx';
import { ReauthForm } from '../../components/ReauthForm.tsx';
import { check, secondFactorSchema, totpCodeSchema } from '../../lib/schemas.ts';

interface Enrolment {
  otpauthUrl: string;
  qrCodeDataUrl: string;
  secret?: string;
}

/** Two-step verification: set up with a QR code and a first code, keep the recovery codes, or turn off. */
export function TotpCard({ account }: { account: Account }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [disabling, setDisabling] = useState(false);

  // Binding a new authenticator is a step-up action: the server asks for the password again first.
  const [stepUp, setStepUp] = useState(false);
  const setup = useMutation({
    mutationFn: () => call('post', '/api/auth/totp/setup'),
    onSuccess: setEnrolment,
    onError: (error) => {
      if (isApiError(error) && error.code === 'REAUTH_REQUIRED') setStepUp(true);
    },
  });
  const confirm = useMutation({
    mutationFn: (c: string) => call('post', '/api/auth/totp/confirm', { body: { code: c } }),
    onSuccess: (answer) => {
      setRecoveryCodes(answer.recoveryCodes);
      setEnrolment(null);
      setCode('');
      void client.invalidateQueries({ queryKey: keys.account });
    },
  });
  // Turning the second factor off needs that factor (an authenticator or recovery code), not the password.
  const [offCode, setOffCode] = useState('');
  const [offCodeError, setOffCodeError] = useState<string>();
  const disable = useMutation({
    mutationFn: (c: string) => call('post', '/api/auth/totp/disable', { body: { code: c }, quiet401: true }),
    onSuccess: () => {
      setDisabling(false);
      setOffCode('');
      void client.invalidateQueries({ queryKey: keys.account });
    },
  });

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    const result = check(totpCodeSchema, code);
    if (!result.ok) return setCodeError(result.errors._);
    setCodeError(undefined);
    confirm.mutate(result.data);
  };

  const download = () => {
    const blob = new Blob([recoveryCodes!.join('\n') + '\n'], { type: 'text/plain' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'adieu-recovery-codes.txt';
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <Card
      title={t('security.totp.title')}
      id="totp"
      actions={<Badge tone={account.totpEnabled ? 'success' : 'neutral'}>{account.totpEnabled ? t('common.on') : t('common.off')}</Badge>}
    >
      <p className="muted">{t('security.totp.lead')}</p>

      {recoveryCodes && (
        <Alert tone="success" title={t('security.totp.recoveryTitle')} live="polite">
          <p>{t('security.totp.recoveryText')}</p>
          <ul className="codes" aria-label={t('security.totp.recoveryTitle')}>
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <div className="form-actions">
            <Button variant="secondary" size="sm" onClick={download}>
              {t('security.totp.download')}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setRecoveryCodes(null)}>
              {t('security.totp.savedThem')}
            </Button>
          </div>
        </Alert>
      )}

      {!account.totpEnabled && !enrolment && !stepUp && (
        <>
          {setup.error && <ErrorAlert error={setup.error} />}
          <Button busy={setup.isPending} onClick={() => setup.mutate()}>
            {t('security.totp.turnOn')}
          </Button>
        </>
      )}
      {!account.totpEnabled && !enrolment && stepUp && (
        <div className="stack">
          <Alert tone="info">{t('security.totp.stepUp')}</Alert>
          <ReauthForm
            totpEnabled={false}
            onDone={() => {
              setStepUp(false);
              setup.mutate();
            }}
          />
          <Button variant="ghost" onClick={() => (setStepUp(false), setup.reset())}>
            {t('common.cancel')}
          </Button>
        </div>
      )}

      {enrolment && (
        <div className="totp-setup">
          <ol className="steps-text">
            <li>{t('security.totp.step1')}</li>
            <li>{t('security.totp.step2')}</li>
          </ol>
          <div className="totp-grid">
            <img src={enrolment.qrCodeDataUrl} alt={t('security.totp.qrAlt')} width={180} height={180} className="qr" />
            <div>
              {enrolment.secret && (
                <p className="small">
                  {t('security.totp.manual')} <code className="secret">{enrolment.secret}</code>
                </p>
              )}
              <form onSubmit={submitCode} noValidate className="form">
                {confirm.error && <ErrorAlert error={confirm.error} />}
                <TextField
                  label={t('security.totp.firstCode')}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  error={codeError}
                  maxLength={6}
                />
                <div className="form-actions">
                  <Button type="submit" busy={confirm.isPending}>
                    {t('security.totp.confirm')}
                  </Button>
                  <Button variant="ghost" onClick={() => setEnrolment(null)}>
                    {t('common.cancel')}
                  </Button>
                </div>
              </form>
            </div>
          </div>
        </div>
      )}

      {account.totpEnabled && (
        <>
          <p>{t('security.totp.recoveryLeft', { count: account.recoveryCodesLeft ?? 0 })}</p>
          {!disabling ? (
            <Button variant="secondary" onClick={() => setDisabling(true)}>
              {t('security.totp.turnOff')}
            </Button>
          ) : (
            <div className="stack">
              <Alert tone="warning">{t('security.totp.turnOffConfirm')}</Alert>
              {disable.error && <ErrorAlert error={disable.error} />}
              <form
                noValidate
                className="form"
                onSubmit={(event) => {
                  event.preventDefault();
                  const result = check(secondFactorSchema, offCode);
                  if (!result.ok) return setOffCodeError(result.errors._);
                  setOffCodeError(undefined);
                  disable.mutate(offCode.trim());
                }}
              >
                <TextField
                  label={t('auth.totp.code')}
                  hint={t('auth.totp.hint')}
                  autoComplete="one-time-code"
                  value={offCode}
                  onChange={(e) => setOffCode(e.target.value)}
                  error={offCodeError}
                  data-testid="totp-off-code"
                />
                <div className="form-actions">
                  <Button type="submit" busy={disable.isPending}>
                    {t('security.totp.turnOff')}
                  </Button>
                </div>
              </form>
              <Button variant="ghost" onClick={() => setDisabling(false)}>
                {t('common.cancel')}
              </Button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
