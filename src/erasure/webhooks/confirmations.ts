import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import { erasureConfirmations, erasureDownstream } from '../erasure.tables.ts';
import { resumeIfSettled, SETTLED } from '../downstream-state.ts';
import { lockRun } from '../run-state.ts';
import { configuredKeys, verifySignature } from '../../webhooks/standard-webhooks.ts';

/** What a receiver reports: it erased the subject's data, held none, or keeps some on its own legal basis. */
export const CONFIRMATION_OUTCOMES = ['erased', 'not_found', 'retained'] as const;

export const confirmationBody = z.object({
  type: z.literal('erasure.confirmed'),
  data: z.object({
    /** The `webhook-id` of the erasure request being confirmed. */
    messageId: z.string().min(1).max(100),
    outcome: z.enum(CONFIRMATION_OUTCOMES).default('erased'),
  }),
});

export interface ConfirmationHeaders {
  id?: string;
  timestamp?: string;
  signature?: string;
}

/**
 * A receiver's signed callback. A signature no configured receiver made gets 401, whatever the
 * body says; a receiver's valid callback for a request that was not sent to it gets 404
 * `UNKNOWN_DELIVERY`, so it can tell a wrong id from a wrong secret. Duplicates (same
 * callback id, or a second callback for a settled request) and callbacks that arrive before the
 * delivery was recorded are all accepted; only the first settles anything.
 */
export async function acceptConfirmation(
  ctx: AppContext,
  headers: ConfirmationHeaders,
  rawBody: string,
): Promise<{ status: 'accepted' | 'duplicate'; runId: string }> {
  let parsed: z.infer<typeof confirmationBody>;
  try {
    parsed = confirmationBody.parse(JSON.parse(rawBody));
  } catch {
    throw new AppError('VALIDATION_FAILED', { fields: { body: 'expected { type: "erasure.confirmed", data: { messageId, outcome } }' } });
  }
  // Replay protection uses transport time, like the sender's timestamp.
  const nowSeconds = Math.floor(Date.now() / 1000);
  const signedBy = ctx.config.webhooks.filter((w) => verifySignature(configuredKeys(w), headers, rawBody, nowSeconds)).map((w) => w.name);
  if (signedBy.length === 0) throw new AppError('WEBHOOK_SIGNATURE_INVALID');
  // Only a configured receiver gets here: telling it that it confirms nothing we sent it helps it, and tells a stranger nothing.
  const [request] = await ctx.db.select().from(erasureDownstream).where(eq(erasureDownstream.messageId, parsed.data.messageId));
  if (!request || !signedBy.includes(request.name)) throw new AppError('UNKNOWN_DELIVERY');
  return ctx.db.transaction(async (tx) => {
    const run = await lockRun(tx, request.runId);
    if (!run) throw new AppError('UNKNOWN_DELIVERY');
    const now = ctx.clock.now();
    const fresh = await tx
      .insert(erasureConfirmations)
      .values({ callbackId: headers.id!, runId: run.id, name: request.name, outcome: parsed.data.outcome, receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: erasureConfirmations.callbackId });
    if (fresh.length === 0) return { status: 'duplicate' as const, runId: run.id };
    const [current] = await tx
      .select({ state: erasureDownstream.state })
      .from(erasureDownstream)
      .where(and(eq(erasureDownstream.runId, run.id), eq(erasureDownstream.name, request.name)));
    if (SETTLED.has(current.state)) return { status: 'duplicate' as const, runId: run.id };
    await tx
      .update(erasureDownstream)
      .set({ state: 'confirmed', confirmedAt: now, outcome: parsed.data.outcome, leaseUntil: null })
      .where(and(eq(erasureDownstream.runId, run.id), eq(erasureDownstream.name, request.name)));
    await appendAudit(tx, {
      at: now,
      actor: `webhook:${request.name}`,
      action: 'erasure.downstream_confirmed',
      subject: run.subjectId,
      target: run.id,
      data: { receiver: request.name, outcome: parsed.data.outcome, callbackId: headers.id },
    });
    await resumeIfSettled(ctx, tx, run);
    return { status: 'accepted' as const, runId: run.id };
  });
}
