import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { DEV_CLOCK_KEY, useDevClock } from '../../api/dev.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Alert } from '../../components/Alert.tsx';
import { DEMO_ACCOUNTS } from '../../components/DemoBanner.tsx';
import { useFormat } from '../../lib/format.ts';

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** Demo helpers: move the service clock, run due jobs now, and a guide through the whole journey. */
export default function DevToolsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const clock = useDevClock();
  const [custom, setCustom] = useState('');
  const [customError, setCustomError] = useState<string>();
  const advance = useMutation({
    mutationFn: (duration: string) => call('post', '/api/dev/clock', { body: { advance: duration } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: DEV_CLOCK_KEY });
      void client.invalidateQueries();
    },
  });
  const runJobs = useMutation({
    mutationFn: () => call('post', '/api/dev/jobs/run'),
    onSuccess: () => client.invalidateQueries(),
  });

  if (clock.isPending) return <Loading />;
  if (!clock.data)
    return (
      <>
        <PageHeader title={t('dev.title')} />
        <Alert tone="info">{t('errors.DEV_TOOLS_DISABLED')}</Alert>
      </>
    );

  const submitCustom = (event: FormEvent) => {
    event.preventDefault();
    const value = custom.trim().toUpperCase();
    if (!ISO_DURATION.test(value)) return setCustomError(t('dev.durationInvalid'));
    setCustomError(undefined);
    advance.mutate(value);
  };
  const ran = runJobs.data ? Object.entries(runJobs.data.queues ?? {}).filter(([, n]) => Number(n) > 0) : [];

  return (
    <>
      <PageHeader title={t('dev.title')} lead={t('dev.lead')} />
      <div className="grid-2">
        <Card title={t('dev.clockTitle')} id="clock">
          <p>
            {t('dev.clockNow')} <strong data-testid="dev-clock">{fmt.dateTime(clock.data.now)}</strong>
          </p>
          <p className="muted small">{Math.abs(clock.data.offsetMs) > 60_000 ? t('dev.clockShifted', { days: Math.round(clock.data.offsetMs / 86_400_000) }) : t('dev.clockReal')}</p>
          <p className="muted small">{t('dev.clockSessions')}</p>
          {advance.error && <ErrorAlert error={advance.error} />}
          <div className="form-actions clock-actions">
            {['PT1H', 'P1D', 'P8D', 'P16D'].map((d) => (
              <Button key={d} variant="secondary" size="sm" busy={advance.isPending && advance.variables === d} onClick={() => advance.mutate(d)} data-testid={`advance-${d}`}>
                {t(`dev.advance_${d}`)}
              </Button>
            ))}
          </div>
          <form onSubmit={submitCustom} className="form form-inline" noValidate>
            <TextField label={t('dev.custom')} hint={t('dev.customHint')} value={custom} onChange={(e) => setCustom(e.target.value)} error={customError} />
            <div className="form-actions">
              <Button type="submit" variant="secondary" size="sm">
                {t('dev.advance')}
              </Button>
            </div>
          </form>
        </Card>
        <Card title={t('dev.jobsTitle')} id="jobs">
          <p>{t('dev.jobsText')}</p>
          {runJobs.error && <ErrorAlert error={runJobs.error} />}
          <p>
            <Button busy={runJobs.isPending} onClick={() => runJobs.mutate()} data-testid="run-jobs">
              {t('dev.runJobs')}
            </Button>
          </p>
          {runJobs.isSuccess && (
            <Alert tone="success" live="polite">
              {ran.length === 0 ? t('dev.jobsNone') : t('dev.jobsRan', { list: ran.map(([q, n]) => `${q} × ${n}`).join(', ') })}
            </Alert>
          )}
          <p>
            <Link to="/dev/mailbox">{t('nav.mailbox')} <span className="dir-arrow" aria-hidden="true">→</span></Link>
          </p>
        </Card>
      </div>
      <Card title={t('dev.guideTitle')} id="guide">
        <ol className="guide">
          {(t('dev.guide', { returnObjects: true }) as string[]).map((step, i) => (
            <li key={i}>{step}</li>
          ))}
        </ol>
        <h3 className="subhead">{t('dev.accounts')}</h3>
        <ul>
          {DEMO_ACCOUNTS.map((a) => (
            <li key={a.key}>
              <code>{a.identifier}</code> / <code>{a.password}</code> — {t(`dev.who.${a.key}`)}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
