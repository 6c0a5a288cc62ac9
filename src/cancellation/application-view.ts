import { asc, desc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { applicationEvents, applications } from './cancellation.tables.ts';
import { openApplicationText } from './application-crypto.ts';
import type { ApplicationRow } from './application-store.ts';

export interface TimelineEntry {
  at: string;
  event: string;
  detail?: Record<string, unknown>;
}

/** `Application` of API.md. */
export interface ApplicationView {
  id: string;
  status: ApplicationRow['status'];
  reasonCode: string;
  reasonText?: string;
  submittedAt: string;
  dueAt: string;
  decision?: { outcome: string; reasonCode: string; message: string; decidedAt: string };
  graceEndsAt?: string;
  erasedAt?: string;
  certificateId?: string;
  timeline: TimelineEntry[];
}

/** Timeline events only staff see (four-eyes bookkeeping says nothing the buyer can act on). */
const STAFF_ONLY_EVENTS = new Set(['first_approval', 'sla_breached']);

/** Statuses in which the last decision is current; after a resubmission it belongs to history. */
const DECIDED_STATUSES = new Set(['needs_info', 'rejected', 'approved', 'grace', 'erasing', 'erased', 'withdrawn']);

interface EventRow {
  at: Date | string;
  event: string;
  detail: Record<string, unknown> | null;
}

function toTimeline(rows: EventRow[], audience: 'buyer' | 'staff'): TimelineEntry[] {
  return rows
    .filter((row) => audience === 'staff' || !STAFF_ONLY_EVENTS.has(row.event))
    .map((row) => ({ at: new Date(row.at).toISOString(), event: row.event, ...(row.detail ? { detail: row.detail } : {}) }));
}

export async function timelineOf(db: Db, applicationId: string, audience: 'buyer' | 'staff'): Promise<TimelineEntry[]> {
  const rows = await db
    .select({ at: applicationEvents.at, event: applicationEvents.event, detail: applicationEvents.detail })
    .from(applicationEvents)
    .where(eq(applicationEvents.applicationId, applicationId))
    .orderBy(asc(applicationEvents.seq));
  return toTimeline(rows, audience);
}

/**
 * The buyer's most recent application with its timeline, in one statement: the buyer's status page
 * is the most requested read, and one round trip fewer is a third of its database time. A named
 * prepared statement, so each connection plans it once.
 */
const prepareLatest = (db: Db) =>
  db
    .select({
      application: applications,
      events: sql<EventRow[]>`(SELECT coalesce(json_agg(json_build_object('at', e.at, 'event', e.event, 'detail', e.detail) ORDER BY e.seq), '[]'::json)
        FROM ${applicationEvents} e WHERE e.application_id = "applications"."id")`,
    })
    .from(applications)
    .where(eq(applications.userId, sql.placeholder('userId')))
    .orderBy(desc(applications.submittedAt), desc(applications.id))
    .limit(1)
    .prepare('adieu_latest_application');
const latestQueries = new WeakMap<Db, ReturnType<typeof prepareLatest>>();

/**
 * Outside a transaction, served from the session cache while the buyer is signed in on this
 * server: every write to their applications and timeline empties it on commit (migration 0006).
 */
export async function latestApplicationView(ctx: AppContext, db: Db, userId: string): Promise<ApplicationView | null> {
  const cacheable = db === ctx.db;
  const cached = cacheable ? ctx.sessionCache.getRead<ApplicationView | null>(userId, 'latestApplication') : undefined;
  if (cached !== undefined) return cached;
  const mark = ctx.sessionCache.mark();
  let query = latestQueries.get(db);
  if (!query) latestQueries.set(db, (query = prepareLatest(db)));
  const [found] = await query.execute({ userId });
  const view = found ? await toApplicationView(ctx, db, found.application, 'buyer', toTimeline(found.events, 'buyer')) : null;
  if (cacheable) ctx.sessionCache.putRead(userId, 'latestApplication', view, mark);
  return view;
}

/** The application as API.md shapes it; free text is decrypted with the buyer's key. */
export async function toApplicationView(
  ctx: AppContext,
  db: Db,
  row: ApplicationRow,
  audience: 'buyer' | 'staff' = 'buyer',
  loadedTimeline?: TimelineEntry[],
): Promise<ApplicationView> {
  const [reasonText, message, timeline] = await Promise.all([
    openApplicationText(ctx, row.userId, 'reasonText', row.reasonTextEnc),
    openApplicationText(ctx, row.userId, 'decisionMessage', row.decisionMessageEnc),
    loadedTimeline ?? timelineOf(db, row.id, audience),
  ]);
  const view: ApplicationView = {
    id: row.id,
    status: row.status,
    reasonCode: row.reasonCode,
    submittedAt: row.submittedAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
    timeline,
  };
  if (reasonText !== null) view.reasonText = reasonText;
  if (row.decidedAt && row.decisionOutcome && DECIDED_STATUSES.has(row.status)) {
    view.decision = { outcome: row.decisionOutcome, reasonCode: row.decisionReasonCode ?? '', message: message ?? '', decidedAt: row.decidedAt.toISOString() };
  }
  if (row.graceEndsAt && ['grace', 'erasing', 'erased', 'withdrawn'].includes(row.status)) view.graceEndsAt = row.graceEndsAt.toISOString();
  if (row.erasedAt) view.erasedAt = row.erasedAt.toISOString();
  if (row.certificateId) view.certificateId = row.certificateId;
  return view;
}
