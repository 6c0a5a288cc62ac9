import { and, asc, count, eq } from 'drizzle-orm';
import { rateLimiter } from '../accounts/sign-in.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { enqueueNotification } from '../accounts/notifications.ts';
import { newId } from '../ids.ts';
import type { UserRow } from '../accounts/sessions.ts';
import { staffFor } from '../accounts/staff-recipients.ts';
import { applicationMessages, messageReads } from './cancellation.tables.ts';
import { openApplicationText, sealApplicationText } from './application-crypto.ts';
import { findApplication, latestApplicationOf, subjectIdOf, type ApplicationRow } from './application-store.ts';
import { BUYER_STATUS_PATH } from './apply-transition.ts';

export interface MessageView {
  id: string;
  authorRole: 'buyer' | 'reviewer';
  /** Reviewers speak as "customer service": their names are not shown to buyers. */
  authorName: string | null;
  body: string;
  at: string;
}

/** A thread stays short: past this many of their own messages the buyer is asked to wait for an answer. */
export const MAX_BUYER_MESSAGES_PER_APPLICATION = 200;
/** A buyer writes at a human pace; a burst beyond this per minute is paused (staff are never). */
export const BUYER_MESSAGES_PER_MINUTE = 6;
/** No messages once erasure has begun: there is nobody left to answer. */
const CLOSED_FOR_MESSAGES = new Set(['erasing', 'erased']);

export const reviewerCasePath = (applicationId: string) => `/review/${encodeURIComponent(applicationId)}`;

async function threadOf(ctx: AppContext, db: Db, application: ApplicationRow): Promise<MessageView[]> {
  const rows = await db
    .select()
    .from(applicationMessages)
    .where(eq(applicationMessages.applicationId, application.id))
    .orderBy(asc(applicationMessages.at), asc(applicationMessages.id));
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      authorRole: row.authorRole,
      authorName: null,
      body: (await openApplicationText(ctx, application.userId, 'message', row.bodyEnc)) ?? '',
      at: row.at.toISOString(),
    })),
  );
}

/** The buyer's thread on their latest application; reading it marks customer service's messages read. */
export async function listBuyerMessages(ctx: AppContext, user: UserRow): Promise<{ applicationId: string | null; items: MessageView[] }> {
  const application = await latestApplicationOf(ctx.db, user.id);
  if (!application) return { applicationId: null, items: [] };
  await ctx.db
    .update(applicationMessages)
    .set({ readByBuyer: true })
    .where(and(eq(applicationMessages.applicationId, application.id), eq(applicationMessages.authorRole, 'reviewer'), eq(applicationMessages.readByBuyer, false)));
  return { applicationId: application.id, items: await threadOf(ctx, ctx.db, application) };
}

/**
 * The thread as a staff member reads it. Reading a buyer's words is audited like viewing the case,
 * and "read" is this reader's own: the others still see the buyer's messages as unread.
 */
export async function listReviewerMessages(ctx: AppContext, reader: UserRow, applicationId: string): Promise<{ applicationId: string; items: MessageView[] }> {
  const application = await findApplication(ctx.db, applicationId);
  if (!application) throw new AppError('APPLICATION_NOT_FOUND');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(messageReads)
      .values({ applicationId, readerId: reader.id, readAt: now })
      .onConflictDoUpdate({ target: [messageReads.applicationId, messageReads.readerId], set: { readAt: now } });
    await appendAudit(tx, { at: now, actor: reader.subjectId, action: 'application.messages_viewed', subject: await subjectIdOf(tx, application.userId), target: applicationId });
  });
  return { applicationId, items: await threadOf(ctx, ctx.db, application) };
}

/**
 * Adds a message. The other side is notified only when the thread goes from "all read" to
 * "unread", so a burst of messages sends one mail, not one each.
 */
async function postMessage(ctx: AppContext, application: ApplicationRow, author: { role: 'buyer' | 'reviewer'; user: UserRow }, body: string): Promise<MessageView> {
  if (CLOSED_FOR_MESSAGES.has(application.status)) throw new AppError('INVALID_TRANSITION', { status: application.status });
  const text = body.trim();
  if (!text) throw new AppError('VALIDATION_FAILED', { fields: { body: 'must not be empty' } });
  if (author.role === 'buyer') {
    const pace = await (await rateLimiter(ctx)).hit('message-buyer', author.user.id, BUYER_MESSAGES_PER_MINUTE, 60, ctx.clock.now());
    if (!pace.allowed) throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(pace.retryAfterSeconds) } });
  }
  return ctx.db.transaction(async (tx) => {
    if (author.role === 'buyer') {
      // Only the buyer's own volume counts: it must never stop customer service from answering.
      const [{ total }] = await tx
        .select({ total: count() })
        .from(applicationMessages)
        .where(and(eq(applicationMessages.applicationId, application.id), eq(applicationMessages.authorRole, 'buyer')));
      if (total >= MAX_BUYER_MESSAGES_PER_APPLICATION) throw new AppError('RATE_LIMITED');
    }
    const unreadColumn = author.role === 'buyer' ? applicationMessages.readByReviewer : applicationMessages.readByBuyer;
    const [{ unread }] = await tx
      .select({ unread: count() })
      .from(applicationMessages)
      .where(and(eq(applicationMessages.applicationId, application.id), eq(applicationMessages.authorRole, author.role), eq(unreadColumn, false)));
    const now = ctx.clock.now();
    const id = newId('msg');
    await tx.insert(applicationMessages).values({
      id,
      applicationId: application.id,
      authorId: author.user.id,
      authorRole: author.role,
      bodyEnc: await sealApplicationText(ctx, application.userId, 'message', text),
      at: now,
      readByBuyer: author.role === 'buyer',
      readByReviewer: author.role === 'reviewer',
    });
    if (author.role === 'reviewer') {
      // Answering is reading: the buyer's next message notifies staff again.
      await tx
        .update(applicationMessages)
        .set({ readByReviewer: true })
        .where(and(eq(applicationMessages.applicationId, application.id), eq(applicationMessages.authorRole, 'buyer'), eq(applicationMessages.readByReviewer, false)));
    }
    await appendAudit(tx, {
      at: now,
      actor: author.user.subjectId,
      action: 'application.message_posted',
      subject: await subjectIdOf(tx, application.userId),
      target: application.id,
      data: { authorRole: author.role, messageId: id },
    });
    if (unread === 0) {
      if (author.role === 'reviewer') {
        await enqueueNotification(ctx, tx, { userId: application.userId, template: 'message_from_support', linkPath: BUYER_STATUS_PATH });
      } else {
        for (const staffId of await staffFor(tx, application)) {
          await enqueueNotification(ctx, tx, { userId: staffId, template: 'message_from_buyer', linkPath: reviewerCasePath(application.id) });
        }
      }
    }
    return { id, authorRole: author.role, authorName: null, body: text, at: now.toISOString() };
  });
}

export async function postBuyerMessage(ctx: AppContext, user: UserRow, body: string): Promise<MessageView> {
  const application = await latestApplicationOf(ctx.db, user.id);
  if (!application) throw new AppError('APPLICATION_NOT_FOUND');
  return postMessage(ctx, application, { role: 'buyer', user }, body);
}

export async function postReviewerMessage(ctx: AppContext, reviewer: UserRow, applicationId: string, body: string): Promise<MessageView> {
  const application = await findApplication(ctx.db, applicationId);
  if (!application) throw new AppError('APPLICATION_NOT_FOUND');
  return postMessage(ctx, application, { role: 'reviewer', user: reviewer }, body);
}
