import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { SelectField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormat } from '../../lib/format.ts';
import { BarChart, HBarList } from './charts.tsx';

export default function SlaDashboardPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [days, setDays] = useState('30');
  const report = useQuery({ queryKey: ['admin', 'sla', days], queryFn: () => call('get', '/api/admin/reports/sla', { query: { days: Number(days) } }) });
  const r = report.data;
  const shortDate = (date: string) => new Intl.DateTimeFormat(fmt.locale, { month: 'numeric', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
  const perDay = r?.applicationsPerDay.map((d) => ({ label: shortDate(d.date), value: d.count })) ?? [];
  const totalSubmitted = perDay.reduce((a, b) => a + b.value, 0);
  const open = r ? (r.countsByStatus.submitted ?? 0) + (r.countsByStatus.in_review ?? 0) : 0;
  return (
    <>
      <PageHeader
        title={t('admin.sla.title')}
        lead={r ? t('admin.sla.lead', { days: r.slaWorkingDays }) : undefined}
        actions={
          <SelectField
            label={t('admin.sla.window')}
            value={days}
            onChange={(e) => setDays(e.target.value)}
            options={['7', '30', '90', '365'].map((d) => ({ value: d, label: t('admin.sla.lastDays', { count: Number(d) }) }))}
          />
        }
      />
      {report.isPending && <Loading />}
      {report.error && <ErrorAlert error={report.error} />}
      {r && (
        <>
          <div className="grid-3 kpis">
            <Card title={t('admin.sla.open')} level={3}>
              <p className="stat" data-testid="kpi-open">
                {fmt.number(open)}
              </p>
              <p className="muted small">{t('admin.sla.openHint')}</p>
            </Card>
            <Card title={t('admin.sla.median')} level={3}>
              <p className="stat">{r.medianWorkingDaysToDecision === null ? '—' : t('admin.sla.workingDays', { count: r.medianWorkingDaysToDecision })}</p>
              <p className="muted small">
                {r.medianDaysToDecision === null ? t('admin.sla.noDecisions') : t('admin.sla.calendarDays', { count: r.medianDaysToDecision })} ·{' '}
                {t('admin.sla.decisions', { count: r.decisions })}
              </p>
            </Card>
            <Card title={t('admin.sla.breaches')} level={3} tone={r.breaches.open > 0 ? 'danger' : 'default'}>
              <p className="stat">{fmt.number(r.breaches.inWindow)}</p>
              <p className="muted small">{t('admin.sla.breachesHint', { open: r.breaches.open, total: r.breaches.total })}</p>
            </Card>
          </div>
          <Card title={t('admin.sla.perDay')} id="per-day">
            {totalSubmitted === 0 ? (
              <EmptyState title={t('admin.sla.noApplications')} />
            ) : (
              <BarChart
                data={perDay}
                title={t('admin.sla.perDay')}
                summary={t('admin.sla.perDaySummary', { total: totalSubmitted, days: r.windowDays })}
                labelEvery={Math.ceil(perDay.length / 10)}
              />
            )}
          </Card>
          <div className="grid-2">
            <Card title={t('admin.sla.byStatus')} id="by-status">
              <HBarList data={Object.entries(r.countsByStatus).map(([s, n]) => ({ label: t(`status.${s}`, { defaultValue: s }), value: n }))} format={fmt.number} />
            </Card>
            <Card title={t('admin.sla.reasons')} id="reasons">
              {r.reasons.length === 0 ? (
                <EmptyState title={t('admin.sla.noApplications')} />
              ) : (
                <HBarList data={r.reasons.map((x) => ({ label: t(`reasons.${x.reasonCode}`, { defaultValue: x.reasonCode }), value: x.count }))} format={fmt.number} />
              )}
            </Card>
          </div>
          <Card title={t('admin.sla.decisionReasons')} id="decision-reasons">
            {r.decisionReasons.length === 0 ? (
              <EmptyState title={t('admin.sla.noDecisions')} />
            ) : (
              <HBarList
                data={r.decisionReasons.map((x) => ({
                  label: `${t(`timeline.${x.outcome}`, { defaultValue: x.outcome })} · ${t(`decisionReasons.${x.reasonCode}`, { defaultValue: x.reasonCode ?? '' })}`,
                  value: x.count,
                }))}
                format={fmt.number}
              />
            )}
          </Card>
          <p className="muted small">{t('admin.generatedAt', { time: fmt.dateTime(r.generatedAt) })}</p>
        </>
      )}
    </>
  );
}
