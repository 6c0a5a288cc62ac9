import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { StoresTable } from '../../components/StoresTable.tsx';

/** What erasing one account would touch now, without touching it (GET /api/admin/erasures/preview). */
export function ErasureDryRun() {
  const { t } = useTranslation();
  const [subject, setSubject] = useState('');
  const preview = useMutation({ mutationFn: (s: string) => call('get', '/api/admin/erasures/preview', { query: { subject: s } }) });
  const tableSteps = preview.data?.steps.filter((s) => s.rows !== null) ?? [];
  return (
    <Card title={t('admin.erasures.dryRun.title')}>
      <p className="small muted">{t('admin.erasures.dryRun.lead')}</p>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (subject.trim()) preview.mutate(subject.trim());
        }}
      >
        <TextField label={t('admin.erasures.dryRun.subject')} value={subject} maxLength={100} onChange={(e) => setSubject(e.target.value)} />
        <Button type="submit" variant="secondary" busy={preview.isPending} disabled={!subject.trim()}>
          {t('admin.erasures.dryRun.submit')}
        </Button>
      </form>
      {preview.error && <ErrorAlert error={preview.error} />}
      {preview.data && (
        <div data-testid="dry-run-result">
          <p>
            {t('admin.erasures.dryRun.account', { subject: preview.data.subject })} <StatusBadge status={preview.data.status} />
          </p>
          <StoresTable
            caption={t('admin.erasures.dryRun.title')}
            rows={tableSteps.map((s) => ({ key: String(s.seq), store: s.store, table: s.table, action: s.action, rows: s.rows ?? 0 }))}
          />
          <p className="small muted">
            {preview.data.downstream.length > 0 ? t('admin.erasures.dryRun.downstream', { names: preview.data.downstream.join(', ') }) : t('admin.erasures.dryRun.noDownstream')}
          </p>
        </div>
      )}
    </Card>
  );
}
