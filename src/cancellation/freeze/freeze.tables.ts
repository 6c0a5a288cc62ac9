import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { applications } from '../cancellation.tables.ts';

export type FreezeEvent = 'account.frozen' | 'account.unfrozen';
/** delivered: a 2xx without the confirmation in its body (the receiver took it but did not say it acted). */
export type FreezeNoticeState = 'pending' | 'delivered' | 'confirmed' | 'failed';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * One freeze or unfreeze notice to one downstream receiver (the configured erasure webhooks), so
 * the platform's own systems stop taking orders from a buyer whose erasure is approved. Written in
 * the transaction that freezes or unfreezes the account; delivered by the `freeze.webhook` job.
 * A 2xx answer whose JSON body says `{ "frozen": true }` (or `{ "unfrozen": true }`) is the
 * receiver's confirmation that it acted; a bare 2xx only shows the notice arrived.
 * Ids only: nothing personal.
 */
export const freezeNotices = pgTable(
  'freeze_notices',
  {
    /** The Standard Webhooks `webhook-id`, the same on every retry. */
    messageId: text('message_id').primaryKey(),
    applicationId: text('application_id')
      .notNull()
      .references(() => applications.id),
    receiver: text('receiver').notNull(),
    event: text('event').$type<FreezeEvent>().notNull(),
    /** Why an unfreeze: `withdrawn` or `blocked` (a blocker appeared during grace). */
    reason: text('reason'),
    state: text('state').$type<FreezeNoticeState>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: at('created_at').notNull(),
    nextAttemptAt: at('next_attempt_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    confirmedAt: at('confirmed_at'),
  },
  (t) => [index('freeze_notices_application_idx').on(t.applicationId), index('freeze_notices_due_idx').on(t.state, t.nextAttemptAt)],
);

export type FreezeNoticeRow = typeof freezeNotices.$inferSelect;
