import { and, asc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { countBlockersMany } from '../eligibility/check-eligibility.ts';
import { applicationMessages, applications, messageReads } from '../cancellation/public.ts';
import { users } from '../accounts/accounts.tables.ts';
import { decodeKeysetCursor, encodeKeysetCursor } from '../domain/keyset-cursor.ts';
import { REVIEWABLE_STATUSES, type ApplicationStatus } from '../domain/application-transitions.ts';

export interface QueueItem {
  id: string;
  status: ApplicationStatus;
  reasonCode: string;
  submittedAt: string;
  dueAt: string;
  claimedBy?: string;
  claimExpiresAt?: string;
  claimedByMe: boolean;
  /** Blockers of the buyer right now (a live check, not the state at submission). */
  blockersNow: number;
  riskFlags: string[];
  firstApprovalBy?: string;
  /** The current reviewer gave the first approval: a different one must give the second. */
  needsOtherReviewer: boolean;
  slaBreached: boolean;
  unreadMessages: number;
}

export const QUEUE_PAGE_SIZE = 20;

/**
 * The review queue, oldest due first, a page at a time. Each item carries the live count of the
 * buyer's blockers (checked now for the page's buyers only), who holds the claim, and the unread
 * messages of the buyer.
 */
export async function listQueue(
  ctx: AppContext,
  reviewerId: string,
  options: { statuses?: ApplicationStatus[]; cursor?: string; limit?: number },
): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
  const statuses = options.statuses?.length ? options.statuses : [...REVIEWABLE_STATUSES];
  const limit = Math.min(Math.max(options.limit ?? QUEUE_PAGE_SIZE, 1), 100);
  // Keyset cursor on (dueAt, id): stable while cases are added or decided, unlike offsets.
  const after = options.cursor ? decodeKeysetCursor(options.cursor) : null;
  if (options.cursor && !after) throw new AppError('CURSOR_INVALID');
  // One statement for the page, its buyers' pseudonymous ids and its unread counts: the scalar
  // sub-query runs only for the rows the LIMIT lets through, never for the whole message table.
  const rows = await ctx.db
    .select({
      application: applications,
      subjectId: users.subjectId,
      locale: users.locale,
      // Unread is per reader: the buyer's messages after this reviewer last opened the thread.
      unread: sql<number>`(SELECT count(*)::int FROM ${applicationMessages} m
        WHERE m.application_id = "applications"."id" AND m.author_role = 'buyer'
          AND m.at > coalesce((SELECT r.read_at FROM ${messageReads} r WHERE r.application_id = "applications"."id" AND r.reader_id = ${reviewerId}), '-infinity'))`,
    })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.userId))
    .where(
      and(
        inArray(applications.status, statuses),
        after ? or(gt(applications.dueAt, after.at), and(eq(applications.dueAt, after.at), gt(applications.id, after.id))) : undefined,
      ),
    )
    .orderBy(asc(applications.dueAt), asc(applications.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const now = ctx.clock.now();
  // Closed cases have nothing left to check.
  const open = page.filter(({ application }) => !['withdrawn', 'erased', 'erasing'].includes(application.status));
  const blockers = await countBlockersMany(
    ctx,
    ctx.db,
    open.map(({ application, subjectId, locale }) => ({ userId: application.userId, subjectId, locale })),
  );
  const items = page.map(({ application: a, unread }): QueueItem => {
    const liveClaim = !!a.claimedBy && !!a.claimExpiresAt && a.claimExpiresAt > now;
    return {
      id: a.id,
      status: a.status,
      reasonCode: a.reasonCode,
      submittedAt: a.submittedAt.toISOString(),
      dueAt: a.dueAt.toISOString(),
      ...(liveClaim ? { claimedBy: a.claimedBy!, claimExpiresAt: a.claimExpiresAt!.toISOString() } : {}),
      claimedByMe: liveClaim && a.claimedBy === reviewerId,
      blockersNow: blockers.get(a.userId) ?? 0,
      riskFlags: a.riskFlags,
      ...(a.firstApprovalBy ? { firstApprovalBy: a.firstApprovalBy } : {}),
      needsOtherReviewer: a.firstApprovalBy === reviewerId,
      slaBreached: !!a.slaBreachedAt,
      unreadMessages: Number(unread),
    };
  });
  const last = page[page.length - 1]?.application;
  return { items, nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.dueAt, last.id) : null };
}
