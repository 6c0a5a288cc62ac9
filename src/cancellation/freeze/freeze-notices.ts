import { and, desc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import type { Db } from '../../db/database.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import { users } from '../../accounts/accounts.tables.ts';
import { applications } from '../cancellation.tables.ts';
import { nextAttempt, parseRetryAfter } from '../../domain/erasure-webhook-retry.ts';
import { QUEUES } from '../../jobs/queues.ts';
import { newId } from '../../ids.ts';
import { VERSION } from '../../version.ts';
import { configuredKeys, signedHeaders } from '../../webhooks/standard-webhooks.ts';
import { freezeNotices, type FreezeEvent, type FreezeNoticeRow } from './freeze.tables.ts';
import { externalIdOf } from '../../identity/external-id.ts';

/** How long an attempt holds its notice before the timer may send it again (a crashed sender). */
const CLAIM_SECONDS = 120;

/**
 * Inside the transaction that froze or unfroze the account: one notice per configured receiver,
 * each sent by its own job (a receiver that answers 410 gets no further attempt of that notice).
 */
export async function queueFreezeNotices(ctx: AppContext, tx: Db, applicationId: string, event: FreezeEvent, reason: 'withdrawn' | 'blocked' | null = null): Promise<void> {
  const receivers = ctx.config.webhooks;
  if (receivers.length === 0) return;
  const now = ctx.clock.now();
  for (const receiver of receivers) {
    const messageId = newId('msg');
    await tx.insert(freezeNotices).values({ messageId, applicationId, receiver: receiver.name, event, reason, createdAt: now, nextAttemptAt: now });
    await ctx.jobs.enqueue(tx, QUEUES['freeze.webhook'].name, { messageId });
  }
}

/** The body of a freeze notice: ids only, identical on every retry. */
async function noticeBody(ctx: AppContext, notice: FreezeNoticeRow): Promise<string | null> {
  const [application] = await ctx.db
    .select({ userId: applications.userId, subjectId: users.subjectId, graceEndsAt: applications.graceEndsAt })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.userId))
    .where(eq(applications.id, notice.applicationId));
  if (!application) return null;
  return JSON.stringify({
    type: notice.event,
    timestamp: notice.createdAt.toISOString(),
    data: {
      messageId: notice.messageId,
      requestId: notice.applicationId,
      subject: application.subjectId,
      externalId: await externalIdOf(ctx, ctx.db, application.userId),
      ...(notice.event === 'account.frozen' && application.graceEndsAt ? { erasureAfter: application.graceEndsAt.toISOString() } : {}),
      ...(notice.reason ? { reason: notice.reason } : {}),
    },
  });
}

type Attempt = { kind: 'ok'; status: number; body: string } | { kind: 'gone' } | { kind: 'retry'; status: number | null; error: string; retryAfter: string | null };

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Attempt> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    if (response.status >= 200 && response.status < 300) return { kind: 'ok', status: response.status, body: (await response.text().catch(() => '')).slice(0, 1000) };
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 410) return { kind: 'gone' };
    return { kind: 'retry', status: response.status, error: `HTTP ${response.status}`, retryAfter: response.headers.get('retry-after') };
  } catch (error) {
    const name = (error as Error).name;
    return { kind: 'retry', status: null, error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network error', retryAfter: null };
  }
}

/** Whether a 2xx answer's body confirms the notice: `{ "frozen": true }` / `{ "unfrozen": true }`. */
export function confirmsNotice(event: FreezeEvent, body: string): boolean {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return parsed[event === 'account.frozen' ? 'frozen' : 'unfrozen'] === true;
  } catch {
    return false;
  }
}

/**
 * The `freeze.webhook` job: one attempt of one notice. Claimed first (a pending, due notice; the
 * claim pushes its next attempt out, so a second job finds nothing), posted outside any
 * transaction, then recorded: a 2xx whose body says `{ "frozen": true }` (`{ "unfrozen": true }`)
 * confirms, a bare 2xx is `delivered` (received, not confirmed: not retried); 410 gives up; anything else is retried with the
 * erasure deliveries' backoff within `erasure.webhookRetryHours`. Receivers de-duplicate by
 * `webhook-id` and order by `timestamp` (an unfreeze can overtake a late frozen retry).
 */
export async function deliverFreezeNotice(ctx: AppContext, data: { messageId: string }): Promise<void> {
  await ctx.clock.refresh(ctx.db);
  const now = ctx.clock.now();
  const [notice] = await ctx.db
    .update(freezeNotices)
    .set({ attempts: sql`${freezeNotices.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + CLAIM_SECONDS * 1000) })
    .where(and(eq(freezeNotices.messageId, data.messageId), eq(freezeNotices.state, 'pending'), sql`${freezeNotices.nextAttemptAt} <= ${now}`))
    .returning();
  if (!notice) return;
  const hook = ctx.config.webhooks.find((w) => w.name === notice.receiver);
  const body = hook ? await noticeBody(ctx, notice) : null;
  if (!hook || !body) {
    await ctx.db.update(freezeNotices).set({ state: 'failed', lastError: hook ? 'application gone' : 'receiver no longer configured' }).where(eq(freezeNotices.messageId, notice.messageId));
    return;
  }
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = { 'content-type': 'application/json', 'user-agent': `Adieu/${VERSION}`, ...signedHeaders(configuredKeys(hook), notice.messageId, timestamp, body) };
  const attempt = await post(hook.url, headers, body, ctx.config.erasure.webhookTimeoutMs);
  const after = ctx.clock.now();
  const mine = and(eq(freezeNotices.messageId, notice.messageId), eq(freezeNotices.state, 'pending'));
  if (attempt.kind === 'ok') {
    await ctx.db.transaction(async (tx) => {
      if (!confirmsNotice(notice.event, attempt.body)) {
        await tx.update(freezeNotices).set({ state: 'delivered', lastStatus: attempt.status, lastError: null }).where(mine);
        return;
      }
      const confirmed = await tx.update(freezeNotices).set({ state: 'confirmed', confirmedAt: after, lastStatus: attempt.status, lastError: null }).where(mine).returning({ id: freezeNotices.messageId });
      if (confirmed.length === 0) return;
      const [subject] = await tx.select({ subjectId: users.subjectId }).from(applications).innerJoin(users, eq(users.id, applications.userId)).where(eq(applications.id, notice.applicationId));
      await appendAudit(tx, {
        at: after,
        actor: `webhook:${notice.receiver}`,
        action: notice.event === 'account.frozen' ? 'freeze.confirmed' : 'unfreeze.confirmed',
        subject: subject?.subjectId ?? null,
        target: notice.applicationId,
        data: { receiver: notice.receiver, messageId: notice.messageId },
      });
    });
    return;
  }
  if (attempt.kind === 'gone') {
    await ctx.db.update(freezeNotices).set({ state: 'failed', lastStatus: 410, lastError: 'receiver answered 410 Gone' }).where(mine);
    return;
  }
  const decision = nextAttempt({
    attempt: notice.attempts,
    firstAttemptAt: notice.createdAt,
    now: after,
    retryAfterSeconds: parseRetryAfter(attempt.retryAfter, after),
    windowHours: ctx.config.erasure.webhookRetryHours,
    random: Math.random,
  });
  if (!decision.retry) {
    await ctx.db.update(freezeNotices).set({ state: 'failed', lastStatus: attempt.status, lastError: `${attempt.error}; gave up` }).where(mine);
    ctx.logger.error({ receiver: notice.receiver, applicationId: notice.applicationId }, 'ALERT: freeze notice not confirmed within the retry window');
    return;
  }
  await ctx.db
    .update(freezeNotices)
    .set({ lastStatus: attempt.status, lastError: attempt.error, nextAttemptAt: new Date(after.getTime() + decision.delaySeconds * 1000) })
    .where(mine);
}

/** Timer: queues every pending notice whose next attempt is due (retries, and sends a crash left). */
export async function queueDueFreezeNotices(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select({ messageId: freezeNotices.messageId })
    .from(freezeNotices)
    .where(sql`${freezeNotices.state} = 'pending' AND ${freezeNotices.nextAttemptAt} <= ${now}`)
    .limit(500);
  if (due.length === 0) return 0;
  await ctx.db.transaction(async (tx) => {
    for (const d of due) await ctx.jobs.enqueue(tx, QUEUES['freeze.webhook'].name, { messageId: d.messageId });
  });
  return due.length;
}

/**
 * For the deletion certificate: which receivers confirmed the last freeze of the account before
 * the erasure (with when), and which did not.
 */
export async function freezeConfirmations(db: Db, applicationId: string): Promise<{ confirmedBy: Array<{ receiver: string; confirmedAt: string }>; notConfirmedBy: string[] }> {
  const rows = await db
    .select()
    .from(freezeNotices)
    .where(and(eq(freezeNotices.applicationId, applicationId), eq(freezeNotices.event, 'account.frozen')))
    .orderBy(desc(freezeNotices.createdAt));
  const latest = new Map<string, FreezeNoticeRow>();
  for (const row of rows) if (!latest.has(row.receiver)) latest.set(row.receiver, row);
  const confirmedBy: Array<{ receiver: string; confirmedAt: string }> = [];
  const notConfirmedBy: string[] = [];
  for (const [receiver, row] of [...latest].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (row.state === 'confirmed' && row.confirmedAt) confirmedBy.push({ receiver, confirmedAt: row.confirmedAt.toISOString() });
    else notConfirmedBy.push(receiver);
  }
  return { confirmedBy, notConfirmedBy };
}
