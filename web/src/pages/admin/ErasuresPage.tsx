import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormat } from '../../lib/format.ts';
import { StoresTable } from '../../components/StoresTable.tsx';
import { ErasureDryRun } from './ErasureDryRun.tsx';
import { DownstreamException } from './DownstreamException.tsx';

/** Receivers in these states are done: nothing to record an exception for. */
const SETTLED = new Set(['confirmed', 'exception']);

export interface ErasureRun {
  id: string;
  applicationId: string;
  state: string;
  startedAt: string;
  completedAt?: string | null;
  certificateId?: string | null;
  failureReason?: string | null;
  steps: Array<{ seq: number; kind: string; store: string; table: string; action: string; rows: number | null; state: string; attempts?: number; lastError?: string }>;
  downstream: Array<{ name: string; state: string; attempts?: number; confirmedAt?: string; outcome?: string; lastError?: string; exceptionReason?: string }>;
  retained?: Array<{ store: string; table: string; rows: number; legalBasis: string; period: string; purgeAfter: string }>;
}

/** Erasure runs: each store's step and each downstream receiver's confirmation. */
export default function ErasuresPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const applicationId = params.get('applicationId') ?? '';
  const [filter, setFilter] = useState(applicationId);
  const runs = useQuery({
    queryKey: ['admin', 'erasures', applicationId],
    queryFn: () => call('get', '/api/admin/erasures', { query: { applicationId: applicationId || undefined } }),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.state === 'running' || r.state === 'pending_external') ? 5_000 : false),
  });
  return (
    <>
      <PageHeader title={t('admin.erasures.title')} lead={t('admin.erasures.lead')} actions={<Button variant="secondary" size="sm" busy={runs.isFetching} onClick={() => runs.refetch()}>{t('common.refresh')}</Button>} />
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(filter.trim() ? { applicationId: filter.trim() } : {});
        }}
      >
        <TextField label={t('admin.erasures.applicationId')} value={filter} onChange={(e) => setFilter(e.target.value)} />
        <Button type="submit" variant="secondary">
          {t('admin.filter')}
        </Button>
      </form>
      {runs.isPending && <Loading />}
      {runs.error && <ErrorAlert error={runs.error} />}
      {runs.data?.items.length === 0 && <EmptyState title={t('admin.erasures.empty')} />}
      {runs.data?.items.map((run) => <RunCard key={run.id} run={run} />)}
      <ErasureDryRun />
    </>
  );
}

function RunCard({ run }: { run: ErasureRun }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const retry = useMutation({
    mutationFn: () => call('post', '/api/admin/erasures/{id}/retry', { path: { id: run.id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin', 'erasures'] }),
  });
  const done = run.steps.filter((s) => s.state === 'done').length;
  const confirmed = run.downstream.filter((d) => d.state === 'confirmed').length;
  return (
    <Card
      title={
        <>
          {t('admin.erasures.run', { id: run.id.slice(-8) })} <StatusBadge status={run.state} />
        </>
      }
      id={`run-${run.id}`}
    >
      <dl className="facts">
        <div>
          <dt>{t('admin.erasures.started')}</dt>
          <dd>{fmt.dateTime(run.startedAt)}</dd>
        </div>
        <div>
          <dt>{t('admin.erasures.completed')}</dt>
          <dd>{run.completedAt ? fmt.dateTime(run.completedAt) : '—'}</dd>
        </div>
        <div>
          <dt>{t('admin.erasures.progress')}</dt>
          <dd>
            {t('admin.erasures.stepsDone', { done, total: run.steps.length })}
            <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={run.steps.length} aria-valuenow={done} aria-label={t('admin.erasures.progress')}>
              <span className="progress-fill" style={{ width: `${run.steps.length ? (done / run.steps.length) * 100 : 0}%`, display: 'block' }} />
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('admin.erasures.downstream')}</dt>
          <dd>{t('admin.erasures.confirmed', { done: confirmed, total: run.downstream.length })}</dd>
        </div>
        <div>
          <dt>{t('admin.erasures.certificate')}</dt>
          <dd>{run.certificateId ? <Link to={`/certificates/${encodeURIComponent(run.certificateId)}`} data-testid="certificate-link">{t('admin.erasures.viewCertificate')}</Link> : '—'}</dd>
        </div>
      </dl>
      {run.failureReason && <p className="field-error">{run.failureReason}</p>}
      {run.state === 'failed' && (
        <p>
          <Button size="sm" busy={retry.isPending} onClick={() => retry.mutate()}>
            {t('admin.erasures.retry')}
          </Button>
          <span className="small muted"> {t('admin.erasures.retryHint')}</span>
        </p>
      )}
      {retry.error && <ErrorAlert error={retry.error} />}
      <details>
        <summary>{t('admin.erasures.details')}</summary>
        <StoresTable
          withState
          rows={run.steps.map((s) => ({
            key: String(s.seq),
            store: s.store,
            table: s.table === '-' ? '' : s.table,
            action: s.action,
            rows: s.rows ?? null,
            state: (
              <>
                <StatusBadge status={s.state} />
                {s.state !== 'done' && (s.attempts ?? 0) > 0 && <div className="small muted">{t('admin.erasures.attempts', { count: s.attempts })}</div>}
                {s.lastError && s.state !== 'done' && <div className="small field-error">{s.lastError}</div>}
              </>
            ),
          }))}
        />
        {run.downstream.length > 0 && (
          <>
            <h3 className="subhead">{t('admin.erasures.downstream')}</h3>
            <ul className="list">
              {run.downstream.map((d) => (
                <li key={d.name} className="list-item list-item-wrap">
                  <span>
                    {d.name}
                    {(d.exceptionReason || d.lastError) && <span className="small muted"> — {d.exceptionReason ?? d.lastError}</span>}
                  </span>
                  <span>
                    <StatusBadge status={d.state} /> {d.confirmedAt && <span className="small muted">{fmt.dateTime(d.confirmedAt)}</span>}
                  </span>
                  {!SETTLED.has(d.state) && <DownstreamException runId={run.id} name={d.name} />}
                </li>
              ))}
            </ul>
          </>
        )}
        {run.retained && run.retained.length > 0 && (
          <>
            <h3 className="subhead">{t('admin.erasures.retained')}</h3>
            <ul className="list">
              {run.retained.map((r) => (
                <li key={`${r.store}-${r.table}`} className="list-item small">
                  {t('admin.erasures.retainedItem', { count: r.rows, table: r.table, rows: fmt.number(r.rows), date: fmt.date(r.purgeAfter), basis: r.legalBasis })}
                </li>
              ))}
            </ul>
          </>
        )}
      </details>
    </Card>
  );
}
