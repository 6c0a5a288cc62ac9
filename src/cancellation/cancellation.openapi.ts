import { z } from 'zod';
import { ok, op, type OperationCatalog } from '../http/openapi/operation.ts';
import { APPLICATION_STATUSES } from '../domain/application-transitions.ts';

const time = z.string().describe('ISO 8601 UTC');

export const Money = z.object({ value: z.number().int().describe('minor units (fen, cents)'), currency: z.string() }).meta({ id: 'Money' });

export const Blocker = z
  .object({
    code: z.string().describe('PENDING_ORDERS, OPEN_DISPUTES, REFUNDS_IN_PROGRESS, WALLET_BALANCE, ACTIVE_SUBSCRIPTION; warnings UNUSED_COUPONS, POINTS_FORFEITED; or a platform provider’s'),
    title: z.string(),
    detail: z.string(),
    count: z.number().int().optional(),
    amount: Money.optional(),
    resolveHint: z.string(),
    link: z.string().optional().describe('the web UI page where the buyer resolves it'),
  })
  .meta({ id: 'Blocker' });

export const Eligibility = z
  .object({ eligible: z.boolean(), blockers: z.array(Blocker), warnings: z.array(Blocker), consequences: z.array(z.string()) })
  .meta({ id: 'Eligibility' });

const TimelineEntry = z.object({ at: time, event: z.string(), detail: z.record(z.string(), z.unknown()).optional() }).meta({ id: 'TimelineEntry' });

const applicationFields = {
  id: z.string(),
  status: z.enum(APPLICATION_STATUSES),
  reasonCode: z.string(),
  reasonText: z.string().optional(),
  submittedAt: time,
  dueAt: time,
  decision: z.object({ outcome: z.string(), reasonCode: z.string(), message: z.string(), decidedAt: time }).optional(),
  graceEndsAt: time.optional(),
  erasedAt: time.optional(),
  certificateId: z.string().optional(),
  timeline: z.array(TimelineEntry),
};

export const Application = z.object(applicationFields).meta({ id: 'Application' });

/** The application as staff see it: the buyer's view plus review state. */
export const StaffApplication = z
  .object({
    ...applicationFields,
    version: z.number().int(),
    riskFlags: z.array(z.string()),
    claimedBy: z.string().nullable(),
    claimExpiresAt: time.nullable(),
    firstApprovalBy: z.string().nullable(),
    slaBreachedAt: time.nullable(),
  })
  .meta({ id: 'StaffApplication' });

export const Message = z
  .object({ id: z.string(), authorRole: z.enum(['buyer', 'reviewer']), authorName: z.string().nullable(), body: z.string(), at: time })
  .meta({ id: 'Message' });

export const Thread = z.object({ applicationId: z.string().nullable(), items: z.array(Message) }).meta({ id: 'Thread' });

export const cancellationOperations: OperationCatalog = {
  'GET /api/cancellation/eligibility': op('getEligibility', 'Whether the signed-in buyer may close the account now, and what stops it', 'session', { 200: ok(Eligibility, 'Blockers, warnings and consequences, in the buyer’s language') }, 'RATE_LIMITED', 'VALIDATION_FAILED'),
  'GET /api/cancellation': op('getMyApplication', 'The signed-in buyer’s latest cancellation request', 'session', { 200: ok(z.object({ application: Application.nullable() }), 'The request, or null') }),
  'POST /api/cancellation': op('submitApplication', 'Ask for the account to be closed (needs a fresh step-up; Idempotency-Key honoured)', 'session', { 201: ok(Application, 'Submitted') }, 'REAUTH_REQUIRED', 'CANCELLATION_BLOCKED', 'CANCELLATION_ALREADY_OPEN', 'ACCOUNT_FROZEN', 'VALIDATION_FAILED', 'DOCUMENTS_REQUIRED', 'TOO_MANY_DOCUMENTS', 'IDEMPOTENCY_KEY_REUSED', 'DOCUMENT_NOT_FOUND', 'FORBIDDEN'),
  'POST /api/cancellation/withdraw': op('withdrawApplication', 'Withdraw the open request (until erasure starts)', 'session', { 200: ok(Application, 'Withdrawn') }, 'APPLICATION_NOT_FOUND', 'NOT_WITHDRAWABLE'),
  'POST /api/cancellation/resubmit': op('resubmitApplication', 'Resubmit a rejected or needs-info request', 'session', { 200: ok(Application, 'Back in submitted') }, 'APPLICATION_NOT_FOUND', 'NOT_RESUBMITTABLE', 'REAUTH_REQUIRED', 'CANCELLATION_BLOCKED', 'VALIDATION_FAILED', 'DOCUMENTS_REQUIRED', 'TOO_MANY_DOCUMENTS', 'DOCUMENT_NOT_FOUND'),
  'GET /api/cancellation/messages': op('listMyMessages', 'The thread with customer service about the buyer’s request', 'session', { 200: ok(Thread, 'Messages, oldest first') }),
  'POST /api/cancellation/messages': op('postMyMessage', 'Write to customer service about the request', 'session', { 201: ok(Message, 'Posted') }, 'APPLICATION_NOT_FOUND', 'RATE_LIMITED', 'VALIDATION_FAILED'),
};
