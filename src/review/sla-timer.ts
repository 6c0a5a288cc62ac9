import { and, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Timer } from '../jobs/timers.ts';
import type { Db } from '../db/database.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { enqueueNotification } from '../accounts/notifications.ts';
import { newId } from '../ids.ts';
import { users } from '../accounts/accounts.tables.ts';
import { applicationEvents, applications } from '../cancellation/public.ts';
import { allStaffIds } from '../accounts/staff-recipients.ts';

type Flagged = { id: string; userId: string; dueAt: Date; claimedBy: string | null; claimExpiresAt: Date | null };

/**
 * Timer: reminds reviewers of cases at 80 % of their deadline and marks cases past their deadline
 * as breached — each exactly once (set-based conditional UPDATEs: a second run finds nothing). Each
 * reviewer gets one mail per run with the count, not one per case: the case holder when the case is
 * claimed, otherwise every reviewer and admin.
 */
export async function runSlaChecks(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    // Literal statuses, so the planner can use the partial index `applications_sla_idx`.
    const running = sql`${applications.status} IN ('submitted', 'in_review')`;
    const columns = { id: applications.id, userId: applications.userId, dueAt: applications.dueAt, claimedBy: applications.claimedBy, claimExpiresAt: applications.claimExpiresAt };
    const reminded = await tx
      .update(applications)
      .set({ slaReminderSentAt: now })
      .where(and(running, lte(applications.slaRemindAt, now), isNull(applications.slaReminderSentAt)))
      .returning(columns);
    const breached = await tx
      .update(applications)
      .set({ slaBreachedAt: now })
      .where(and(running, lt(applications.dueAt, now), isNull(applications.slaBreachedAt)))
      .returning(columns);
    if (reminded.length === 0 && breached.length === 0) return 0;

    if (breached.length > 0) {
      await tx.insert(applicationEvents).values(
        breached.map((a) => ({ id: newId('evt'), applicationId: a.id, at: now, event: 'sla_breached', detail: { dueAt: a.dueAt.toISOString() }, actorRole: 'system' })),
      );
    }
    const subjects = await subjectIds(tx, [...reminded, ...breached].map((a) => a.userId));
    for (const a of reminded) {
      await appendAudit(tx, { at: now, actor: 'system', action: 'application.sla_reminder_sent', subject: subjects.get(a.userId), target: a.id, data: { dueAt: a.dueAt.toISOString() } });
    }
    for (const a of breached) {
      await appendAudit(tx, { at: now, actor: 'system', action: 'application.sla_breached', subject: subjects.get(a.userId), target: a.id, data: { dueAt: a.dueAt.toISOString() } });
    }
    const staff = await allStaffIds(tx);
    await notifyStaff(ctx, tx, 'sla_reminder', reminded, staff, now);
    await notifyStaff(ctx, tx, 'sla_breached', breached, staff, now);
    return reminded.length + breached.length;
  });
}

async function subjectIds(tx: Db, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx.select({ id: users.id, subjectId: users.subjectId }).from(users).where(inArray(users.id, [...new Set(userIds)]));
  return new Map(rows.map((r) => [r.id, r.subjectId]));
}

async function notifyStaff(ctx: AppContext, tx: Db, template: string, cases: Flagged[], staff: string[], now: Date): Promise<void> {
  const perReviewer = new Map<string, Flagged[]>();
  for (const c of cases) {
    const holder = c.claimedBy && c.claimExpiresAt && c.claimExpiresAt > now ? [c.claimedBy] : staff;
    for (const id of holder) perReviewer.set(id, [...(perReviewer.get(id) ?? []), c]);
  }
  for (const [userId, list] of perReviewer) {
    const earliest = list.reduce((min, c) => (c.dueAt < min ? c.dueAt : min), list[0].dueAt);
    await enqueueNotification(ctx, tx, {
      userId,
      template,
      vars: { count: list.length, dueDate: earliest.toISOString() },
      linkPath: list.length === 1 ? `/review/${encodeURIComponent(list[0].id)}` : '/review',
    });
  }
}

export const slaTimer: Timer = { name: 'review.sla', run: runSlaChecks };
