import { z } from 'zod';
import { ok, op, type OperationCatalog } from '../http/openapi/operation.ts';

const time = z.string().describe('ISO 8601 UTC');
const runState = z.enum(['running', 'pending_external', 'completed', 'failed']);

export const ErasureRun = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    subject: z.string().describe('pseudonymous subject id'),
    state: runState,
    startedAt: time,
    completedAt: time.optional(),
    failedAt: time.optional(),
    failureReason: z.string().optional(),
    certificateId: z.string().optional(),
    steps: z.array(
      z.object({
        seq: z.number().int(),
        kind: z.string(),
        store: z.string(),
        table: z.string(),
        action: z.string(),
        rows: z.number().int().nullable(),
        state: z.string(),
        attempts: z.number().int(),
        lastError: z.string().optional(),
        retryAt: time.optional(),
        doneAt: time.optional(),
      }),
    ),
    downstream: z.array(
      z.object({
        name: z.string(),
        state: z.string(),
        attempts: z.number().int(),
        lastStatus: z.number().int().optional(),
        lastError: z.string().optional(),
        nextAttemptAt: time.optional(),
        deliveredAt: time.optional(),
        confirmedAt: time.optional(),
        outcome: z.string().optional(),
        exceptionReason: z.string().optional(),
      }),
    ),
    retained: z.array(
      z.object({
        store: z.string(),
        table: z.string(),
        rows: z.number().int(),
        legalBasis: z.string(),
        period: z.string(),
        purgeAfter: time,
        purgedAt: time.optional(),
        purgedRows: z.number().int().optional(),
      }),
    ),
  })
  .meta({ id: 'ErasureRun' });

const WebhookHealth = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      origin: z.string(),
      status: z.enum(['healthy', 'failing', 'disabled']),
      disabledAt: time.optional(),
      disabledReason: z.string().optional(),
      lastSuccessAt: time.optional(),
      lastFailureAt: time.optional(),
      lastStatus: z.number().int().optional(),
      consecutiveFailures: z.number().int(),
      waiting: z.record(z.string(), z.number().int()),
    }),
  ),
});

const Certificate = z
  .object({ id: z.string(), jws: z.string().describe('compact JWS, EdDSA (Ed25519), kid in the header'), payload: z.record(z.string(), z.unknown()) })
  .meta({ id: 'Certificate' });

const Jwks = z.object({
  keys: z.array(z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), alg: z.string().optional(), use: z.string().optional() })),
});

const DryRun = z.object({
  userId: z.string(),
  subject: z.string(),
  status: z.string(),
  steps: z.array(z.object({ seq: z.number().int(), kind: z.string(), store: z.string(), table: z.string(), action: z.string(), rows: z.number().int().nullable() })),
  totals: z.record(z.string(), z.number()),
  downstream: z.array(z.string()),
});

const DataMapColumn = z.union([
  z.string(),
  z.looseObject({ action: z.string(), category: z.string().optional(), note: z.string().optional(), identifier: z.string().optional(), encrypted: z.boolean().optional(), value: z.unknown().optional() }),
]);
const DataMapTable = z.looseObject({
  description: z.string().optional(),
  rows: z.string().describe('update, delete, retain or none'),
  retain: z.looseObject({ legalBasis: z.string(), period: z.string(), from: z.string().optional() }).optional(),
  columns: z.record(z.string(), DataMapColumn).optional(),
});

const DataMapView = z.object({
  hash: z.string(),
  stores: z.array(z.object({ store: z.string(), title: z.string(), database: z.string(), vacuum: z.boolean(), tables: z.record(z.string(), DataMapTable) })),
  plan: z.array(z.object({ seq: z.number().int(), kind: z.string(), store: z.string(), table: z.string(), action: z.string() })),
  categories: z.array(z.string()),
});

const AuditPage = z.object({
  items: z.array(
    z.object({
      seq: z.number().int(),
      at: time,
      actor: z.string(),
      action: z.string(),
      subject: z.string().nullable(),
      target: z.string().nullable(),
      data: z.record(z.string(), z.unknown()).nullable(),
      hash: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const ChainVerdict = z.object({ intact: z.boolean(), entries: z.number().int(), firstBadSeq: z.number().int().optional(), reason: z.string().optional() });

export const ConfirmationAnswer = z.object({ status: z.enum(['accepted', 'duplicate']), runId: z.string() });

export const erasureOperations: OperationCatalog = {
  'GET /api/certificates/:id': op('getCertificate', 'A deletion certificate by its unguessable id', 'public', { 200: ok(Certificate, 'The certificate and its decoded payload') }, 'CERTIFICATE_NOT_FOUND'),
  'GET /.well-known/adieu/certificate-keys': op('getCertificateKeys', 'The public keys that sign certificates (JWKS)', 'public', { 200: ok(Jwks, 'JWKS') }),
  'POST /api/erasure/confirmations': op('confirmErasure', 'A downstream receiver confirms an erasure request (Standard Webhooks signature)', 'signature', { 200: ok(ConfirmationAnswer, 'Accepted, or a harmless duplicate') }, 'WEBHOOK_SIGNATURE_INVALID', 'UNKNOWN_DELIVERY', 'VALIDATION_FAILED', 'UNSUPPORTED_MEDIA_TYPE', 'BODY_TOO_LARGE'),
  'GET /api/admin/erasures': op('listErasureRuns', 'Erasure runs, newest first, by application or state (admin)', 'session', { 200: ok(z.object({ items: z.array(ErasureRun) }), 'Runs') }, 'FORBIDDEN', 'VALIDATION_FAILED'),
  'GET /api/admin/erasures/preview': op('previewErasure', 'What erasing a subject would touch, table by table (admin)', 'session', { 200: ok(DryRun, 'The dry run') }, 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED'),
  'GET /api/admin/erasures/:id': op('getErasureRun', 'One erasure run with its steps and receivers (admin)', 'session', { 200: ok(ErasureRun, 'The run') }, 'FORBIDDEN', 'ERASURE_NOT_FOUND'),
  'POST /api/admin/erasures/:id/exceptions': op('recordErasureException', 'Settle a receiver that cannot confirm, with a reason (admin)', 'session', { 200: ok(ErasureRun, 'The run') }, 'FORBIDDEN', 'ERASURE_NOT_FOUND', 'INVALID_TRANSITION', 'VALIDATION_FAILED'),
  'POST /api/admin/erasures/:id/retry': op('retryErasureRun', 'Retry a failed run from its failed step (admin)', 'session', { 200: ok(ErasureRun, 'The run') }, 'FORBIDDEN', 'ERASURE_NOT_FOUND', 'INVALID_TRANSITION'),
  'GET /api/admin/webhooks': op('listWebhookReceivers', 'Health of each downstream receiver (admin)', 'session', { 200: ok(WebhookHealth, 'Receivers') }, 'FORBIDDEN'),
  'POST /api/admin/webhooks/:name/enable': op('enableWebhookReceiver', 'Re-enable a receiver disabled by 410 Gone (admin)', 'session', { 200: ok(WebhookHealth, 'Receivers') }, 'FORBIDDEN', 'NOT_FOUND'),
  'GET /api/admin/datamap': op('getDataMap', 'The data map in use and the erasure plan it gives (admin)', 'session', { 200: ok(DataMapView, 'The data map') }, 'FORBIDDEN'),
  'GET /api/admin/audit': op('listAuditEntries', 'Audit log entries, newest first (pseudonymous; admin)', 'session', { 200: ok(AuditPage, 'A page of entries') }, 'FORBIDDEN', 'VALIDATION_FAILED'),
  'GET /api/admin/audit/verify': op('verifyAuditChain', 'Check the audit log’s hash chain (admin)', 'session', { 200: ok(ChainVerdict, 'Intact, or the first bad entry') }, 'FORBIDDEN'),
};
