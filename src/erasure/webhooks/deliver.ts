import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import type { Db } from '../../db/database.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import { nextAttempt, parseRetryAfter } from '../../domain/erasure-webhook-retry.ts';
import { erasureDownstream, erasureRuns, erasureWebhookEndpoints } from '../erasure.tables.ts';
import { VERSION } from '../../version.ts';
import { configuredKeys, signedHeaders } from '../../webhooks/standard-webhooks.ts';

export const CONFIRMATIONS_PATH = '/api/erasure/confirmations';
const LEASE_SECONDS = 120;

/**
 * The thin erasure request a receiver gets: who (pseudonymous subject id), which request, which
 * categories of data, and where to confirm. Identical on every retry (only the signature's
 * timestamp changes), so receivers can de-duplicate by `webhook-id`.
 */
export function requestBody(
  run: { id: string; applicationId: string; subjectId: string; categories: string[]; startedAt: Date },
  delivery: { messageId: string; requestedAt: Date | null },
  publicUrl: string,
): string {
  return JSON.stringify({
    type: 'erasure.requested',
    // Rows made before `requested_at` existed fall back to the run's start.
    timestamp: (delivery.requestedAt ?? run.startedAt).toISOString(),
    data: {
      messageId: delivery.messageId,
      requestId: run.applicationId,
      runId: run.id,
      subject: run.subjectId,
      categories: run.categories,
      confirmUrl: `${publicUrl}${CONFIRMATIONS_PATH}`,
    },
  });
}

type Attempt = { kind: 'ok'; status: number } | { kind: 'gone' } | { kind: 'retry'; status: number | null; error: string; retryAfter: string | null };

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Attempt> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { kind: 'ok', status: response.status };
    if (response.status === 410) return { kind: 'gone' };
    return { kind: 'retry', status: response.status, error: `HTTP ${response.status}`, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const name = (error as Error).name;
    const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : `network error (${(error as { cause?: { code?: string } }).cause?.code ?? name})`;
    return { kind: 'retry', status: null, error: reason, retryAfter: null };
  }
}

async function touchEndpoint(tx: Db, name: string, set: Partial<typeof erasureWebhookEndpoints.$inferInsert>, failed: boolean): Promise<void> {
  await tx
    .insert(erasureWebhookEndpoints)
    .values({ name, consecutiveFailures: failed ? 1 : 0, ...set })
    .onConflictDoUpdate({
      target: erasureWebhookEndpoints.name,
      set: { ...set, consecutiveFailures: failed ? sql`${erasureWebhookEndpoints.consecutiveFailures} + 1` : 0 },
    });
}

/**
 * The `erasure.webhook` job: one delivery attempt to one receiver. The attempt is claimed first
 * (only a due, pending delivery; the timer makes a crashed sender's delivery due again), the POST happens outside any
 * transaction, and the outcome is recorded with a conditional UPDATE that never undoes a
 * confirmation that arrived in the meantime.
 */
export async function deliverWebhookJob(ctx: AppContext, data: { runId: string; name: string }): Promise<void> {
  await ctx.clock.refresh(ctx.db);
  const now = ctx.clock.now();
  const [claimed] = await ctx.db
    .update(erasureDownstream)
    .set({
      state: 'sending',
      attempts: sql`${erasureDownstream.attempts} + 1`,
      firstAttemptAt: sql`COALESCE(${erasureDownstream.firstAttemptAt}, ${now})`,
      leaseUntil: new Date(now.getTime() + LEASE_SECONDS * 1000),
    })
    .where(
      and(
        eq(erasureDownstream.runId, data.runId),
        eq(erasureDownstream.name, data.name),
        eq(erasureDownstream.state, 'pending'),
        sql`${erasureDownstream.nextAttemptAt} <= ${now}`,
      ),
    )
    .returning();
  if (!claimed) return;
  const [run] = await ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, data.runId));
  const hook = ctx.config.webhooks.find((w) => w.name === data.name);
  const [endpoint] = await ctx.db.select().from(erasureWebhookEndpoints).where(eq(erasureWebhookEndpoints.name, data.name));
  const stillSending = and(eq(erasureDownstream.runId, data.runId), eq(erasureDownstream.name, data.name), eq(erasureDownstream.state, 'sending'));

  if (!run || !hook || endpoint?.disabledAt) {
    const why = !hook ? 'receiver no longer configured: needs an admin' : 'endpoint disabled (410 Gone): needs an admin';
    await ctx.db.update(erasureDownstream).set({ state: hook ? 'disabled' : 'failed', lastError: why, leaseUntil: null }).where(stillSending);
    return;
  }

  const body = requestBody(run, claimed, ctx.config.publicUrl);
  // Transport time, not business time: receivers check the signature's freshness against their own clock.
  const timestamp = Math.floor(Date.now() / 1000);
  // During a rotation both secrets sign, so the receiver may switch at its own pace.
  const headers = { 'content-type': 'application/json', 'user-agent': `Adieu/${VERSION}`, ...signedHeaders(configuredKeys(hook), claimed.messageId, timestamp, body) };
  const attempt = await post(hook.url, headers, body, ctx.config.erasure.webhookTimeoutMs);
  const after = ctx.clock.now();

  await ctx.db.transaction(async (tx) => {
    if (attempt.kind === 'ok') {
      await tx.update(erasureDownstream).set({ state: 'delivered', deliveredAt: after, lastStatus: attempt.status, lastError: null, leaseUntil: null }).where(stillSending);
      // A confirmation may have come first (out of order): record the delivery time anyway.
      await tx
        .update(erasureDownstream)
        .set({ deliveredAt: sql`COALESCE(${erasureDownstream.deliveredAt}, ${after})`, lastStatus: attempt.status })
        .where(and(eq(erasureDownstream.runId, data.runId), eq(erasureDownstream.name, data.name)));
      await touchEndpoint(tx, data.name, { lastSuccessAt: after, lastStatus: attempt.status }, false);
      return;
    }
    if (attempt.kind === 'gone') {
      await tx.update(erasureDownstream).set({ state: 'disabled', lastStatus: 410, lastError: 'endpoint answered 410 Gone: disabled; needs an admin', leaseUntil: null }).where(stillSending);
      await touchEndpoint(tx, data.name, { disabledAt: after, disabledReason: '410 Gone', lastFailureAt: after, lastStatus: 410 }, true);
      await appendAudit(tx, { at: after, actor: 'system', action: 'erasure.webhook_disabled', subject: run.subjectId, target: run.id, data: { receiver: data.name, status: 410 } });
      ctx.logger.error({ receiver: data.name, runId: run.id }, 'ALERT: erasure receiver answered 410 Gone and was disabled');
      return;
    }
    const decision = nextAttempt({
      attempt: claimed.attempts,
      firstAttemptAt: claimed.firstAttemptAt ?? now,
      now: after,
      retryAfterSeconds: parseRetryAfter(attempt.retryAfter, after),
      windowHours: ctx.config.erasure.webhookRetryHours,
      random: Math.random,
    });
    await touchEndpoint(tx, data.name, { lastFailureAt: after, lastStatus: attempt.status }, true);
    if (!decision.retry) {
      await tx.update(erasureDownstream).set({ state: 'failed', lastStatus: attempt.status, lastError: `${attempt.error}; gave up after ${ctx.config.erasure.webhookRetryHours} h: needs an admin`, leaseUntil: null }).where(stillSending);
      await appendAudit(tx, { at: after, actor: 'system', action: 'erasure.webhook_gave_up', subject: run.subjectId, target: run.id, data: { receiver: data.name, attempts: claimed.attempts } });
      ctx.logger.error({ receiver: data.name, runId: run.id }, 'ALERT: erasure receiver did not answer within the retry window');
      return;
    }
    await tx
      .update(erasureDownstream)
      .set({ state: 'pending', lastStatus: attempt.status, lastError: attempt.error, nextAttemptAt: new Date(after.getTime() + decision.delaySeconds * 1000), leaseUntil: null })
      .where(stillSending);
  });
}
