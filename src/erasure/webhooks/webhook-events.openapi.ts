import { z } from 'zod';
import { confirmationBody } from './confirmations.ts';

/** The body of the outgoing `erasure.requested` delivery (see `requestBody` in deliver.ts). */
export const ErasureRequestedEvent = z.object({
  type: z.literal('erasure.requested'),
  timestamp: z.string().describe('when the erasure was requested (ISO 8601 UTC), on the same clock as webhook-timestamp; the same on every retry'),
  data: z.object({
    messageId: z.string().describe('equals the webhook-id header; confirm with it'),
    requestId: z.string().describe('the cancellation request'),
    runId: z.string(),
    subject: z.string().describe('Adieu’s pseudonymous subject id'),
    externalId: z.string().optional().describe('the platform’s own id of the buyer (the `sub` of its identity provider or handoff, or the id it linked), when the platform named the buyer; act on it'),
    categories: z.array(z.string()).describe('data categories to erase'),
    confirmUrl: z.string().describe('where to POST the signed confirmation'),
  }),
});

/** The body of the outgoing `account.frozen` / `account.unfrozen` notices (see cancellation/freeze/freeze-notices.ts). */
export const AccountFreezeEvent = z.object({
  type: z.enum(['account.frozen', 'account.unfrozen']),
  timestamp: z.string().describe('when the account was frozen or unfrozen (ISO 8601 UTC); apply the latest per subject'),
  data: z.object({
    messageId: z.string().describe('equals the webhook-id header'),
    requestId: z.string().describe('the cancellation request'),
    subject: z.string().describe('pseudonymous subject id'),
    externalId: z.string().nullable().describe('the platform’s own id of the buyer, when Adieu knows it'),
    erasureAfter: z.string().optional().describe('account.frozen: when the grace period ends and the erasure may start'),
    reason: z.enum(['withdrawn', 'blocked']).optional().describe('account.unfrozen: the buyer withdrew, or a blocker sent the case back to review'),
  }),
});

const header = (name: string, description: string) => ({ name, in: 'header', required: true, schema: { type: 'string' }, description });

/** The Standard Webhooks headers of a signed request (deliveries and confirmations alike). */
export const SIGNATURE_HEADERS = [
  header('webhook-id', 'unique id of this message; the same on every retry'),
  header('webhook-timestamp', 'Unix seconds; refused when more than 5 minutes from the receiver’s clock'),
  header('webhook-signature', 'space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the receiver’s secret (whsec_ secrets: the base64-decoded bytes)'),
];

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
};

/** OpenAPI 3.1 `webhooks`: what Adieu sends to each configured downstream receiver. */
export const WEBHOOKS = {
  'erasure.requested': {
    post: {
      operationId: 'erasureRequested',
      summary: 'Adieu asks a downstream receiver to erase a subject’s data',
      description: 'Sent to every configured receiver when an erasure run reaches it, retried with backoff up to `erasure.webhookRetryHours`. Answer 2xx when received, then POST a signed `erasure.confirmed` to `confirmUrl` when done.',
      tags: ['erasure'],
      security: [],
      parameters: SIGNATURE_HEADERS,
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(ErasureRequestedEvent, 'output') } } },
      responses: {
        '200': { description: 'Received (any 2xx); the confirmation follows at confirmUrl' },
        '410': { description: 'Gone: Adieu disables the receiver until an admin enables it again' },
        default: { description: 'Any other answer or a timeout: retried later (Retry-After honoured)' },
      },
    },
  },
  'account.frozen': {
    post: {
      operationId: 'accountFrozen',
      summary: 'Adieu tells a downstream receiver that a buyer’s account is frozen',
      description: 'Sent when a cancellation is approved and the grace period starts: take no new orders or payments from the buyer. Answer 2xx with `{ "frozen": true }` once the account is frozen on your side; the deletion certificate lists every receiver that confirmed (a 2xx without it counts as received, not confirmed).',
      tags: ['erasure'],
      security: [],
      parameters: SIGNATURE_HEADERS,
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(AccountFreezeEvent, 'output') } } },
      responses: {
        '200': { description: 'Received; confirmed when the JSON body says `{ "frozen": true }` (`{ "unfrozen": true }`): recorded on the deletion certificate' },
        '410': { description: 'Gone: no further attempts for this notice' },
        default: { description: 'Any other answer or a timeout: retried later (Retry-After honoured)' },
      },
    },
  },
  'account.unfrozen': {
    post: {
      operationId: 'accountUnfrozen',
      summary: 'Adieu tells a downstream receiver that a buyer’s account is no longer frozen',
      description: 'Sent when the buyer withdraws, or a blocker found at the end of the grace period sends the case back to review. Answer 2xx with `{ "unfrozen": true }` once the account is open again on your side.',
      tags: ['erasure'],
      security: [],
      parameters: SIGNATURE_HEADERS,
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(AccountFreezeEvent, 'output') } } },
      responses: {
        '200': { description: 'Received; confirmed when the JSON body says `{ "frozen": true }` (`{ "unfrozen": true }`): recorded on the deletion certificate' },
        '410': { description: 'Gone: no further attempts for this notice' },
        default: { description: 'Any other answer or a timeout: retried later (Retry-After honoured)' },
      },
    },
  },
};

/** The request body of `POST /api/erasure/confirmations` (read raw: the signature covers the exact bytes). */
export const CONFIRMATION_REQUEST = {
  parameters: SIGNATURE_HEADERS,
  requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(confirmationBody, 'input') } } },
};
