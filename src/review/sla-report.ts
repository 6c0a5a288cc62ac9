import { and, count, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { queryRows } from '../db/sql.ts';
import { applicationEvents, applications, workCalendarOf } from '../cancellation/public.ts';
import { addCalendarDays, calendarTimeZone, localDate } from '../domain/working-days.ts';
import { APPLICATION_STATUSES, SLA_RUNNING_STATUSES, type ApplicationStatus } from '../domain/application-transitions.ts';

/** Timeline events that end a review cycle with a decision. */
const DECISION_EVENTS = ['approved', 'rejected', 'needs_info'];

export interface SlaReport {
  generatedAt: string;
  windowDays: number;
  timeZone: string;
  slaWorkingDays: number;
  countsByStatus: Record<ApplicationStatus, number>;
  decisions: number;
  /** Median working days from (re)submission to decision, over decisions in the window. */
  medianWorkingDaysToDecision: number | null;
  /** The same in calendar days. */
  medianDaysToDecision: number | null;
  breaches: { total: number; open: number; inWindow: number };
  /** Submissions per day of the region's calendar, every day of the window (zeros included). */
  applicationsPerDay: Array<{ date: string; count: number }>;
  /** Why buyers leave, over submissions in the window. */
  reasons: Array<{ reasonCode: string; count: number }>;
  /** Decisions by outcome and reason code, over the window. */
  decisionReasons: Array<{ outcome: string; reasonCode: string; count: number }>;
}

/** The admin's SLA report: all aggregated in SQL, over the last `windowDays` days. */
export async function slaReport(ctx: AppContext, windowDays = 30): Promise<SlaReport> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - windowDays * 86_400_000);
  const timeZone = calendarTimeZone(workCalendarOf(ctx.config));

  const statusRows = await ctx.db.select({ status: applications.status, n: count() }).from(applications).groupBy(applications.status);
  const countsByStatus = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, 0])) as Record<ApplicationStatus, number>;
  for (const row of statusRows) countsByStatus[row.status] = Number(row.n);

  const [medians] = await queryRows<{ decisions: number; working: number | null; calendar: number | null }>(
    ctx.db,
    sql`SELECT count(*)::int AS decisions,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY (${applicationEvents.detail}->>'workingDays')::numeric) AS working,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY (${applicationEvents.detail}->>'days')::numeric) AS calendar
          FROM ${applicationEvents}
         WHERE ${and(inArray(applicationEvents.event, DECISION_EVENTS), gte(applicationEvents.at, since))}`,
  );

  const [breachRow] = await ctx.db
    .select({
      total: count(),
      open: sql<number>`count(*) FILTER (WHERE ${inArray(applications.status, [...SLA_RUNNING_STATUSES])})::int`,
      inWindow: sql<number>`count(*) FILTER (WHERE ${gte(applications.slaBreachedAt, since)})::int`,
    })
    .from(applications)
    .where(isNotNull(applications.slaBreachedAt));

  const day = sql<string>`to_char(${applications.submittedAt} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD')`;
  const perDayRows = await ctx.db
    .select({ date: day, n: count() })
    .from(applications)
    .where(gte(applications.submittedAt, since))
    // By position: the zone is a bound parameter, and two bindings of it are not "the same expression".
    .groupBy(sql`1`);
  const perDay = new Map(perDayRows.map((r) => [r.date, Number(r.n)]));
  const applicationsPerDay: SlaReport['applicationsPerDay'] = [];
  for (let date = localDate(since, timeZone), last = localDate(now, timeZone); date <= last; date = addCalendarDays(date, 1)) {
    applicationsPerDay.push({ date, count: perDay.get(date) ?? 0 });
  }

  const reasonRows = await ctx.db
    .select({ reasonCode: applications.reasonCode, n: count() })
    .from(applications)
    .where(gte(applications.submittedAt, since))
    .groupBy(applications.reasonCode);

  const decisionReasonRows = await queryRows<{ outcome: string; reasonCode: string | null; n: number }>(
    ctx.db,
    sql`SELECT ${applicationEvents.event} AS outcome, ${applicationEvents.detail}->>'reasonCode' AS "reasonCode", count(*)::int AS n
          FROM ${applicationEvents}
         WHERE ${and(inArray(applicationEvents.event, DECISION_EVENTS), gte(applicationEvents.at, since))}
         GROUP BY 1, 2`,
  );

  const round = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);
  return {
    generatedAt: now.toISOString(),
    windowDays,
    timeZone,
    slaWorkingDays: ctx.config.review.slaWorkingDays,
    countsByStatus,
    decisions: Number(medians?.decisions ?? 0),
    medianWorkingDaysToDecision: round(medians?.working ?? null),
    medianDaysToDecision: round(medians?.calendar ?? null),
    breaches: { total: Number(breachRow?.total ?? 0), open: Number(breachRow?.open ?? 0), inWindow: Number(breachRow?.inWindow ?? 0) },
    applicationsPerDay,
    reasons: reasonRows.map((r) => ({ reasonCode: r.reasonCode, count: Number(r.n) })).sort((a, b) => b.count - a.count),
    decisionReasons: decisionReasonRows
      .map((r) => ({ outcome: r.outcome, reasonCode: r.reasonCode ?? '', count: Number(r.n) }))
      .sort((a, b) => b.count - a.count),
  };
}
