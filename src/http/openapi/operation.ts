import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../../errors.ts';

/** The error shape of every 4xx/5xx answer (API.md "Conventions"): one shared component. */
export const ErrorBody = z
  .object({
    error: z
      .looseObject({
        code: z.string().describe('UPPER_SNAKE code from the error registry'),
        message: z.string().describe('a human sentence'),
      })
      .describe('code and message, plus details of some codes (fields, blockers, claimExpiresAt…)'),
  })
  .meta({ id: 'Error' });

/**
 * Who may call an operation: `public` (no session), `session` (the `adieu_session` cookie; a
 * state-changing request also sends `x-csrf-token`), `signature` (a Standard Webhooks signature).
 */
export type Access = 'public' | 'session' | 'signature';

/** One documented response: its schema (`null` for no body) and a one-line description. */
export interface DocumentedResponse {
  description: string;
  schema: z.ZodType | null;
  /** Not JSON (an image, a ZIP): the media type. */
  mediaType?: string;
}

export interface OperationDoc {
  operationId: string;
  summary: string;
  access: Access;
  responses: Record<number, DocumentedResponse>;
}

/** `METHOD /path/:param` as Fastify registers it → how it is documented. */
export type OperationCatalog = Record<string, OperationDoc>;

export const ok = (schema: z.ZodType, description: string): DocumentedResponse => ({ schema, description });
export const noContent = (description = 'Done; no body.'): DocumentedResponse => ({ schema: null, description });

/** Error responses by code: grouped by their status from the error registry, each naming its codes. */
export function errors(...codes: ErrorCode[]): Record<number, DocumentedResponse> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, { schema: ErrorBody, description: list.join(', ') }]));
}

/** An operation: success responses, then the errors it can answer (401 and 403 CSRF added for `session`). */
export function op(
  operationId: string,
  summary: string,
  access: Access,
  success: Record<number, DocumentedResponse>,
  ...codes: ErrorCode[]
): OperationDoc {
  const implied: ErrorCode[] = access === 'session' ? ['AUTH_REQUIRED', 'CSRF_INVALID'] : [];
  return { operationId, summary, access, responses: { ...success, ...errors(...new Set([...implied, ...codes])) } };
}
