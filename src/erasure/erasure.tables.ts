import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { erasureQuarantine, users } from '../accounts/accounts.tables.ts';

/** Owned by accounts (sign-up refuses what it holds); the engine fills it. */
export { erasureQuarantine };
import type { StepSpec } from '../domain/erasure-plan.ts';

export type ErasureRunState = 'running' | 'pending_external' | 'completed' | 'failed';
export type ErasureStepState = 'pending' | 'done' | 'failed';
export type DownstreamState = 'pending' | 'sending' | 'delivered' | 'confirmed' | 'failed' | 'disabled' | 'exception';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * One erasure of one subject, started by the workflow (when an approved application's grace period
 * ends). The engine knows the request only by its id and the times the certificate states. Holds no
 * personal data in the clear: `secrets_enc` is the buyer's identifiers and sampled values encrypted
 * under a key of this run alone (in the KeyStore), which is destroyed when the run ends.
 */
export const erasureRuns = pgTable(
  'erasure_runs',
  {
    id: text('id').primaryKey(),
    /** The workflow's request this run fulfils (an application id): one run per request. */
    applicationId: text('application_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    subjectId: text('subject_id').notNull(),
    state: text('state').$type<ErasureRunState>().notNull(),
    /** sha256 of the data map the plan was made from (the plan itself is frozen in erasure_steps). */
    datamapHash: text('datamap_hash').notNull(),
    /** Data categories concerned (Fides taxonomy), sent downstream. */
    categories: text('categories').array().notNull().default(sql`'{}'::text[]`),
    secretsEnc: text('secrets_enc'),
    /** When the subject asked for erasure, and when it was approved, as the certificate states them. */
    requestedAt: at('requested_at'),
    approvedAt: at('approved_at'),
    startedAt: at('started_at').notNull(),
    /** Last progress; the watchdog re-enqueues a run that stopped moving. */
    updatedAt: at('updated_at').notNull(),
    localDoneAt: at('local_done_at'),
    completedAt: at('completed_at'),
    failedAt: at('failed_at'),
    /** Why the run failed, for an admin: step, table, error code. Never personal data. */
    failureReason: text('failure_reason'),
    certificateId: text('certificate_id'),
  },
  (t) => [uniqueIndex('erasure_runs_application_uq').on(t.applicationId), index('erasure_runs_state_idx').on(t.state, t.updatedAt)],
);

/** The frozen plan of a run: one row per step, done in `seq` order, each exactly once. */
export const erasureSteps = pgTable(
  'erasure_steps',
  {
    runId: text('run_id')
      .notNull()
      .references(() => erasureRuns.id),
    seq: integer('seq').notNull(),
    spec: jsonb('spec').$type<StepSpec>().notNull(),
    state: text('state').$type<ErasureStepState>().notNull().default('pending'),
    rows: bigint('rows', { mode: 'number' }),
    /** Non-personal facts the certificate reports (e.g. purge date of retained rows). */
    result: jsonb('result').$type<Record<string, unknown>>(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** Not before this time (backoff after a failed attempt). */
    retryAt: at('retry_at'),
    /** Lease of a step whose effect lies outside the database (files, keys, mail). */
    leaseUntil: at('lease_until'),
    doneAt: at('done_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);

/**
 * One downstream receiver (configured webhook) per run. `message_id` is the Standard Webhooks
 * `webhook-id`, the same on every retry so receivers can de-duplicate.
 */
export const erasureDownstream = pgTable(
  'erasure_downstream',
  {
    runId: text('run_id')
      .notNull()
      .references(() => erasureRuns.id),
    name: text('name').notNull(),
    messageId: text('message_id').notNull(),
    /**
     * When the request was made, on the system clock that also stamps `webhook-timestamp`: the
     * body's `timestamp`, fixed so every retry carries the same body. In demo mode the service
     * clock may be moved; receivers only ever see the real one.
     */
    requestedAt: at('requested_at'),
    state: text('state').$type<DownstreamState>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    firstAttemptAt: at('first_attempt_at'),
    nextAttemptAt: at('next_attempt_at'),
    /** Lease of an attempt in flight: a crashed sender's attempt is taken over after it. */
    leaseUntil: at('lease_until'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: at('delivered_at'),
    confirmedAt: at('confirmed_at'),
    /** What the receiver reported: `erased`, `not_found`, … (its own word, non-personal). */
    outcome: text('outcome'),
    exceptionReason: text('exception_reason'),
    exceptionBy: text('exception_by'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.name] }), uniqueIndex('erasure_downstream_message_uq').on(t.messageId), index('erasure_downstream_due_idx').on(t.state, t.nextAttemptAt)],
);

/** Health of each configured receiver; a 410 disables it until an admin re-enables it. */
export const erasureWebhookEndpoints = pgTable('erasure_webhook_endpoints', {
  name: text('name').primaryKey(),
  disabledAt: at('disabled_at'),
  disabledReason: text('disabled_reason'),
  lastSuccessAt: at('last_success_at'),
  lastFailureAt: at('last_failure_at'),
  lastStatus: integer('last_status'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
});

/** Signed deletion certificates, public by their unguessable id. */
export const deletionCertificates = pgTable('deletion_certificates', {
  id: text('id').primaryKey(),
  runId: text('run_id')
    .notNull()
    .unique()
    .references(() => erasureRuns.id),
  jws: text('jws').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  issuedAt: at('issued_at').notNull(),
});

/**
 * Records kept after erasure on a legal basis, anonymised, until `purge_after`; the daily purge
 * deletes them then. The kept rows still carry the tombstone's pseudonymous user id, so the purge
 * is one set-based statement per table.
 */
export const erasureRetentions = pgTable(
  'erasure_retentions',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => erasureRuns.id),
    store: text('store').notNull(),
    tableName: text('table_name').notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull(),
    legalBasis: text('legal_basis').notNull(),
    period: text('period').notNull(),
    /** When the first of the kept rows is due, and when the last is. */
    firstPurgeAfter: at('first_purge_after').notNull(),
    purgeAfter: at('purge_after').notNull(),
    purgedAt: at('purged_at'),
    purgedRows: bigint('purged_rows', { mode: 'number' }),
  },
  (t) => [uniqueIndex('erasure_retentions_run_table_uq').on(t.runId, t.store, t.tableName), index('erasure_retentions_due_idx').on(t.purgedAt, t.firstPurgeAfter)],
);

/** Signed callbacks received from downstream receivers (kept for de-duplication and the record). */
export const erasureConfirmations = pgTable(
  'erasure_confirmations',
  {
    callbackId: text('callback_id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => erasureRuns.id),
    name: text('name').notNull(),
    outcome: text('outcome').notNull(),
    receivedAt: at('received_at').notNull(),
  },
  // The verification scan reads a run's confirmations by it.
  (t) => [index('erasure_confirmations_run_idx').on(t.runId)],
);
