import { and, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Timer } from '../jobs/timers.ts';
import { applications } from '../cancellation/cancellation.tables.ts';
import { documents } from './documents.tables.ts';
import { DISPOSE_QUEUE, type DisposalJob } from './document-disposal.ts';
import { rejectedBefore, UNATTACHED_TTL_MS } from './disposal-rules.ts';

const BATCH = 500;
/** Files still on disk this long after their key was destroyed are retried (a crash between the two steps). */
const FILE_RETRY_AFTER_MS = 10 * 60 * 1000;

/**
 * Finds documents that are due for destruction by the service clock and enqueues one job per
 * application or buyer. Also a safety net: a withdrawn or erased application whose disposal job
 * was lost is found here too.
 */
export async function findDueDisposals(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectDistinct({ applicationId: documents.applicationId })
    .from(documents)
    .innerJoin(applications, eq(applications.id, documents.applicationId))
    .where(
      and(
        isNull(documents.destroyedAt),
        or(
          inArray(applications.status, ['withdrawn', 'erased']),
          and(eq(applications.status, 'rejected'), lte(applications.decidedAt, rejectedBefore(now, ctx.config.documents.retainDaysAfterDecision))),
        ),
      ),
    )
    .limit(BATCH);
  const stale = await ctx.db
    .selectDistinct({ userId: documents.userId })
    .from(documents)
    .where(and(isNull(documents.applicationId), isNull(documents.destroyedAt), lte(documents.createdAt, new Date(now.getTime() - UNATTACHED_TTL_MS))))
    .limit(BATCH);
  const [leftover] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(documents)
    .where(and(isNotNull(documents.destroyedAt), isNull(documents.fileRemovedAt), lte(documents.destroyedAt, new Date(now.getTime() - FILE_RETRY_AFTER_MS))));

  const jobs: DisposalJob[] = [
    ...due.map((d) => ({ scope: 'application' as const, applicationId: d.applicationId! })),
    ...stale.map((s) => ({ scope: 'unattached' as const, userId: s.userId })),
    ...(leftover && leftover.n > 0 ? [{ scope: 'files' as const }] : []),
  ];
  if (jobs.length === 0) return 0;
  await ctx.db.transaction(async (tx) => {
    for (const job of jobs) await ctx.jobs.enqueue(tx, DISPOSE_QUEUE, job);
  });
  return jobs.length;
}

export const documentTimers: Timer[] = [{ name: 'documents.disposal', run: findDueDisposals }];
