import { eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { newId } from '../ids.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { users } from '../accounts/accounts.tables.ts';
import { QUEUES } from '../jobs/queues.ts';
import { planErasure, type Plan } from '../domain/erasure-plan.ts';
import { dataMap, type LoadedDataMap } from './datamap.ts';
import { erasureDownstream, erasureRuns, erasureSteps, erasureWebhookEndpoints } from './erasure.tables.ts';

/** What the engine is told about an erasure request: whose data, and what the certificate states. */
export interface ErasureRequest {
  /** The workflow's id for the request (an application id); one run per request. */
  requestId: string;
  userId: string;
  subjectId: string;
  requestedAt: Date;
  approvedAt: Date | null;
}

/** The plan follows from the data map alone: made once per loaded map (never changed after). */
const plans = new WeakMap<LoadedDataMap, Plan>();
function planFor(map: LoadedDataMap): Plan {
  let plan = plans.get(map);
  if (!plan) plans.set(map, (plan = planErasure(map)));
  return plan;
}

/**
 * Starts the erasure of a subject, inside the caller's transaction (the workflow moves its request
 * on in the same one). Idempotent: a second call for the same request returns the run that exists.
 * The plan is frozen now, so a resumed run follows the map it started with.
 */
export async function startErasure(ctx: AppContext, tx: Db, request: ErasureRequest): Promise<{ runId: string }> {
  const applicationId = request.requestId;
  const existing = await tx.select({ id: erasureRuns.id }).from(erasureRuns).where(eq(erasureRuns.applicationId, applicationId)).limit(1);
  if (existing[0]) return { runId: existing[0].id };
  const subject = { userId: request.userId, subjectId: request.subjectId };

  const map = dataMap(ctx.config);
  const plan = planFor(map);
  const now = ctx.clock.now();
  const runId = newId('ers');
  const inserted = await tx
    .insert(erasureRuns)
    .values({
      id: runId,
      applicationId,
      userId: subject.userId,
      subjectId: subject.subjectId,
      state: 'running',
      datamapHash: map.hash,
      categories: plan.categories,
      requestedAt: request.requestedAt,
      approvedAt: request.approvedAt,
      startedAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: erasureRuns.applicationId })
    .returning({ id: erasureRuns.id });
  if (inserted.length === 0) {
    // Another transaction started it first (and has committed: the conflict waited for it).
    const [raced] = await tx.select({ id: erasureRuns.id }).from(erasureRuns).where(eq(erasureRuns.applicationId, applicationId));
    return { runId: raced.id };
  }

  await tx.insert(erasureSteps).values(plan.steps.map((spec, seq) => ({ runId, seq, spec })));
  // From this commit on the account is closed for good: no sign-in, session, reset or mail can
  // create new data behind the steps that already ran (the tombstone step completes the row).
  await tx.update(users).set({ status: 'erased' }).where(eq(users.id, subject.userId));

  const webhooks = ctx.config.webhooks;
  const disabled = new Set(
    webhooks.length === 0
      ? []
      : (
          await tx
            .select({ name: erasureWebhookEndpoints.name, disabledAt: erasureWebhookEndpoints.disabledAt })
            .from(erasureWebhookEndpoints)
            .where(
              inArray(
                erasureWebhookEndpoints.name,
                webhooks.map((w) => w.name),
              ),
            )
        )
          .filter((e) => e.disabledAt)
          .map((e) => e.name),
  );
  if (webhooks.length > 0) {
    await tx.insert(erasureDownstream).values(
      webhooks.map((w) => ({
        runId,
        name: w.name,
        messageId: newId('msg'),
        requestedAt: new Date(),
        state: disabled.has(w.name) ? ('disabled' as const) : ('pending' as const),
        nextAttemptAt: now,
        lastError: disabled.has(w.name) ? 'endpoint disabled (410 Gone earlier): needs an admin' : null,
      })),
    );
  }

  await appendAudit(tx, {
    at: now,
    actor: 'system',
    action: 'erasure.started',
    subject: subject.subjectId,
    target: runId,
    data: { applicationId, steps: plan.steps.length, datamap: map.hash.slice(0, 16), downstream: webhooks.map((w) => w.name) },
  });
  // The deliveries are queued by the prepare step, once it has sealed the external id they name.
  await ctx.jobs.enqueue(tx, QUEUES['erasure.step'].name, { runId });
  return { runId };
}
