import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { keys } from '../../api/queries.ts';
import type { Account } from '../../api/types.ts';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Alert } from '../../components/Alert.tsx';
import { antiPhishingSchema, check } from '../../lib/schemas.ts';

export function AntiPhishingCard({ account }: { account: Account }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const save = useMutation({
    mutationFn: (code: string) => call('patch', '/api/account/security', { body: { antiPhishingCode: code } }),
    onSuccess: () => {
      setValue('');
      void client.invalidateQueries({ queryKey: keys.account });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = check(antiPhishingSchema, value);
    if (!result.ok) return setError(result.errors._);
    setError(undefined);
    save.mutate(result.data);
  };
  return (
    <Card title={t('security.antiPhishing.title')} id="anti-phishing">
      <p className="muted">{t('security.antiPhishing.lead')}</p>
      {account.antiPhishingCode ? (
        <p>
          {t('security.antiPhishing.current')} <code className="phish-code" dir="ltr">{account.antiPhishingCode}</code>
        </p>
      ) : (
        <p>{t('security.antiPhishing.none')}</p>
      )}
      <form onSubmit={submit} noValidate className="form form-inline">
        {save.error && <ErrorAlert error={save.error} />}
        {save.isSuccess && (
          <Alert tone="success" live="polite">
            {t('security.antiPhishing.saved')}
          </Alert>
        )}
        <TextField
          label={account.antiPhishingCode ? t('security.antiPhishing.change') : t('security.antiPhishing.set')}
          hint={t('security.antiPhishing.hint')}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={error}
          maxLength={20}
          autoComplete="off"
        />
        <div className="form-actions">
          <Button type="submit" busy={save.isPending}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
