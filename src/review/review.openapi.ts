import { z } from 'zod';
import { noContent, ok, op, type OperationCatalog } from '../http/openapi/operation.ts';
import { APPLICATION_STATUSES } from '../domain/application-transitions.ts';
import { Application, Eligibility, Message, StaffApplication, Thread } from '../cancellation/public.ts';

const time = z.string().describe('ISO 8601 UTC');
const status = z.enum(APPLICATION_STATUSES);

const QueueItem = z
  .object({
    id: z.string(),
    status,
    reasonCode: z.string(),
    submittedAt: time,
    dueAt: time,
    claimedBy: z.string().optional(),
    claimExpiresAt: time.optional(),
    claimedByMe: z.boolean(),
    blockersNow: z.number().int().describe('blockers of the buyer right now (a live check)'),
    riskFlags: z.array(z.string()),
    firstApprovalBy: z.string().optional(),
    needsOtherReviewer: z.boolean(),
    slaBreached: z.boolean(),
    unreadMessages: z.number().int(),
  })
  .meta({ id: 'QueueItem' });

const ReviewDetail = z
  .object({
    application: StaffApplication,
    buyer: z.object({ subjectId: z.string(), displayName: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), createdAt: time, status: z.string() }),
    eligibility: Eligibility,
    documents: z.array(z.object({ documentId: z.string(), kind: z.string() })),
  })
  .meta({ id: 'ReviewDetail' });

const Claim = z.object({ id: z.string(), status, claimedBy: z.string(), claimExpiresAt: time, version: z.number().int() });

const GuidanceTemplate = z
  .object({ reasonCode: z.string(), locale: z.string(), body: z.string(), edited: z.boolean(), updatedAt: time.nullable() })
  .meta({ id: 'GuidanceTemplate' });

const SlaReport = z.object({
  generatedAt: time,
  windowDays: z.number().int(),
  timeZone: z.string(),
  slaWorkingDays: z.number().int(),
  countsByStatus: z.object(Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, z.number().int()]))),
  decisions: z.number().int(),
  medianWorkingDaysToDecision: z.number().nullable(),
  medianDaysToDecision: z.number().nullable(),
  breaches: z.object({ total: z.number().int(), open: z.number().int(), inWindow: z.number().int() }),
  applicationsPerDay: z.array(z.object({ date: z.string(), count: z.number().int() })),
  reasons: z.array(z.object({ reasonCode: z.string(), count: z.number().int() })),
  decisionReasons: z.array(z.object({ outcome: z.string(), reasonCode: z.string(), count: z.number().int() })),
});

export const reviewOperations: OperationCatalog = {
  'GET /api/review/applications': op('listReviewQueue', 'The review queue, oldest due first', 'session', { 200: ok(z.object({ items: z.array(QueueItem), nextCursor: z.string().nullable() }), 'A page of the queue') }, 'FORBIDDEN', 'CURSOR_INVALID', 'VALIDATION_FAILED'),
  'GET /api/review/applications/:id': op('getReviewCase', 'One case: the request, the buyer (masked), live eligibility, documents (audited)', 'session', { 200: ok(ReviewDetail, 'The case') }, 'FORBIDDEN', 'APPLICATION_NOT_FOUND'),
  'POST /api/review/applications/:id/claim': op('claimApplication', 'Claim a case to work on it', 'session', { 200: ok(Claim, 'Claimed') }, 'FORBIDDEN', 'APPLICATION_NOT_FOUND', 'ALREADY_CLAIMED', 'INVALID_TRANSITION'),
  'DELETE /api/review/applications/:id/claim': op('releaseClaim', 'Give a claimed case back to the queue', 'session', { 204: noContent('Released') }, 'FORBIDDEN', 'APPLICATION_NOT_FOUND'),
  'POST /api/review/applications/:id/decision': op('decideApplication', 'Approve, reject or ask the buyer for information', 'session', { 200: ok(Application, 'Decided') }, 'FORBIDDEN', 'APPLICATION_NOT_FOUND', 'NOT_CLAIMED', 'STALE_APPLICATION', 'CANCELLATION_BLOCKED', 'DOCUMENTS_NOT_REVIEWED', 'SECOND_REVIEWER_REQUIRED', 'INVALID_TRANSITION', 'VALIDATION_FAILED'),
  'GET /api/review/applications/:id/messages': op('listCaseMessages', 'The thread with the buyer of a case', 'session', { 200: ok(Thread, 'Messages, oldest first') }, 'FORBIDDEN', 'APPLICATION_NOT_FOUND'),
  'POST /api/review/applications/:id/messages': op('postCaseMessage', 'Write to the buyer of a case', 'session', { 201: ok(Message, 'Posted') }, 'FORBIDDEN', 'APPLICATION_NOT_FOUND', 'VALIDATION_FAILED'),
  'GET /api/review/guidance-templates': op('listGuidanceTemplates', 'The guidance texts sent with each rejection reason, per language', 'session', { 200: ok(z.object({ items: z.array(GuidanceTemplate) }), 'Templates') }, 'FORBIDDEN'),
  'PUT /api/review/guidance-templates': op('saveGuidanceTemplates', 'Change guidance texts (admin)', 'session', { 200: ok(z.object({ items: z.array(GuidanceTemplate) }), 'Saved; all templates') }, 'FORBIDDEN', 'VALIDATION_FAILED'),
  'GET /api/admin/reports/sla': op('getSlaReport', 'Counts by status, time to decision, deadline breaches (admin)', 'session', { 200: ok(SlaReport, 'The report') }, 'FORBIDDEN', 'VALIDATION_FAILED'),
};
