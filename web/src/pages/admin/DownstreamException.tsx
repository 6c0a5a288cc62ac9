import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { Button } from '../../components/Button.tsx';
import { TextAreaField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

/** The API's bounds for an exception's reason (erasure.routes.ts). */
const REASON_MIN = 10;
const REASON_MAX = 1000;

/**
 * Settles a receiver that cannot confirm (gone, disabled, silent) by recording why; the run then
 * goes on and the certificate shows the exception.
 */
export function DownstreamException({ runId, name }: { runId: string; name: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const record = useMutation({
    mutationFn: () => call('post', '/api/admin/erasures/{id}/exceptions', { path: { id: runId }, body: { name, reason: reason.trim() } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin', 'erasures'] }),
  });
  return (
    <details className="small downstream-exception">
      <summary>{t('admin.erasures.exception.open', { name })}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const short = reason.trim().length < REASON_MIN;
          setTooShort(short);
          if (!short) record.mutate();
        }}
      >
        <TextAreaField
          label={t('admin.erasures.exception.reason')}
          hint={t('admin.erasures.exception.hint', { min: REASON_MIN })}
          error={tooShort ? t('admin.erasures.exception.tooShort', { min: REASON_MIN }) : undefined}
          rows={3}
          maxLength={REASON_MAX}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        {record.error && <ErrorAlert error={record.error} />}
        <Button type="submit" size="sm" variant="secondary" busy={record.isPending}>
          {t('admin.erasures.exception.submit')}
        </Button>
      </form>
    </details>
  );
}
