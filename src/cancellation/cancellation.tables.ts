import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';
import type { ApplicationStatus } from '../domain/application-transitions.ts';

export type { ApplicationStatus };

/**
 * Cancellation applications. `version` gives optimistic concurrency: every transition is
 * `UPDATE … WHERE id = $1 AND version = $2`. The partial unique index allows one open application
 * per buyer, enforced by the database.
 */
export const applications = pgTable(
  'applications',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    status: text('status').$type<ApplicationStatus>().notNull(),
    version: integer('version').notNull().default(1),
    reasonCode: text('reason_code').notNull(),
    /** Free text of the buyer, encrypted with the buyer's key (may name people or places). */
    reasonTextEnc: text('reason_text_enc'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    /** Start of the current review cycle: the submission, or the latest resubmission. */
    cycleStartedAt: timestamp('cycle_started_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** When reviewers get the SLA reminder: 80 % of the deadline, in working days. */
    slaRemindAt: timestamp('sla_remind_at', { withTimezone: true }).notNull(),
    claimedBy: text('claimed_by').references(() => users.id),
    claimExpiresAt: timestamp('claim_expires_at', { withTimezone: true }),
    /** Risk flags that ask for a second reviewer (four eyes), e.g. `contact_changed`, `new_account`. */
    riskFlags: text('risk_flags').array().notNull().default(sql`'{}'::text[]`),
    firstApprovalBy: text('first_approval_by').references(() => users.id),
    decisionOutcome: text('decision_outcome'),
    decisionReasonCode: text('decision_reason_code'),
    /** The reviewer's message to the buyer, encrypted with the buyer's key (it may quote them). */
    decisionMessageEnc: text('decision_message_enc'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: text('decided_by').references(() => users.id),
    graceEndsAt: timestamp('grace_ends_at', { withTimezone: true }),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    certificateId: text('certificate_id'),
    slaReminderSentAt: timestamp('sla_reminder_sent_at', { withTimezone: true }),
    slaBreachedAt: timestamp('sla_breached_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('applications_one_open_per_user')
      .on(t.userId)
      .where(sql`status NOT IN ('rejected', 'withdrawn', 'erased')`),
    index('applications_queue_idx').on(t.status, t.dueAt, t.id),
    index('applications_due_idx').on(t.dueAt, t.id),
    index('applications_user_idx').on(t.userId, t.submittedAt),
    index('applications_grace_idx').on(t.graceEndsAt).where(sql`status = 'grace'`),
    // Both SLA timer queries (reminder due, deadline passed) scan only running cases.
    index('applications_sla_idx').on(t.slaRemindAt).where(sql`status IN ('submitted', 'in_review')`),
    // (due_at, id) covers the review queue's ORDER BY, so a page stops after its rows are read.
    index('applications_sla_due_idx').on(t.dueAt, t.id).where(sql`status IN ('submitted', 'in_review')`),
  ],
);

/** The timeline the buyer sees: one row per event, in order. */
export const applicationEvents = pgTable(
  'application_events',
  {
    id: text('id').primaryKey(),
    /** Insertion order: several events of one transaction share the same `at`. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    applicationId: text('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    event: text('event').notNull(),
    /** Non-personal detail (reason codes, dates); free text is never copied here. */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    actorRole: text('actor_role'),
  },
  (t) => [index('application_events_app_idx').on(t.applicationId, t.seq), index('application_events_decision_idx').on(t.event, t.at)],
);

/** Messages between the buyer and customer service on one application. Bodies are encrypted with the buyer's key. */
export const applicationMessages = pgTable(
  'application_messages',
  {
    id: text('id').primaryKey(),
    applicationId: text('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    authorId: text('author_id').references(() => users.id),
    authorRole: text('author_role').$type<'buyer' | 'reviewer'>().notNull(),
    bodyEnc: text('body_enc').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    readByBuyer: boolean('read_by_buyer').notNull().default(false),
    readByReviewer: boolean('read_by_reviewer').notNull().default(false),
  },
  (t) => [index('application_messages_app_idx').on(t.applicationId, t.at)],
);

/**
 * How far each staff member has read a case's thread: "read" is per reader, so one reviewer opening
 * a thread does not hide the buyer's messages from the others.
 */
export const messageReads = pgTable(
  'message_reads',
  {
    applicationId: text('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    readerId: text('reader_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    readAt: timestamp('read_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.applicationId, t.readerId] })],
);

/** `Idempotency-Key` of POST /api/cancellation: a repeat returns the first answer. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('idempotency_keys_pk').on(t.userId, t.key)],
);
