import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { z } from 'zod';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../config/schema.ts';
import { VERSION } from '../version.ts';
import { SESSION_COOKIE } from '../accounts/request-auth.ts';
import { OPERATIONS } from './openapi-operations.ts';
import { MAX_FILE_BYTES } from '../documents/upload-limits.ts';
import { DOCUMENT_KINDS } from '../documents/documents.tables.ts';
import { MAX_REDACTIONS } from '../documents/redactions.ts';
import { CONFIRMATION_REQUEST, WEBHOOKS } from '../erasure/webhooks/webhook-events.openapi.ts';

const TAGS = [
  { name: 'health', description: 'Liveness and readiness' },
  { name: 'auth', description: 'Sign-up, sign-in, sessions, step-up, password reset, two-step verification' },
  { name: 'account', description: 'The signed-in user’s account' },
  { name: 'cancellation', description: 'The buyer’s own cancellation request, eligibility, documents and messages' },
  { name: 'shop', description: 'The buyer’s marketplace data (demo marketplace)' },
  { name: 'review', description: 'Review console (role reviewer; admins may do everything)' },
  { name: 'admin', description: 'Erasure runs, receivers, data map, audit log, reports (role admin)' },
  { name: 'erasure', description: 'Certificates, their keys, and downstream confirmations' },
  { name: 'dev', description: 'Dev tools: only when devTools is on, never in production' },
];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Documented request bodies Fastify does not parse itself (multipart; the raw signed JSON). */
const REQUEST_BODIES: Record<string, Record<string, unknown>> = {
  uploadDocument: {
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file', 'kind'],
            properties: {
              file: { type: 'string', format: 'binary', description: `a JPEG, PNG, WebP or HEIC photo, at most ${MAX_FILE_BYTES / 1024 / 1024} MB; re-encoded as JPEG without metadata` },
              kind: { type: 'string', enum: DOCUMENT_KINDS },
              redactions: { type: 'string', description: `optional JSON array of at most ${MAX_REDACTIONS} rectangles \`[{x,y,width,height}]\` in pixels of the upright image, blacked out` },
            },
          },
          encoding: { file: { contentType: 'image/jpeg, image/png, image/webp, image/heic, image/heif' } },
        },
      },
    },
  },
  confirmErasure: CONFIRMATION_REQUEST,
};

/** Adds what the catalog says about one route (`operationId`, summary, security, responses) to its schema. */
function documentRoute(input: Parameters<typeof jsonSchemaTransform>[0]) {
  const { schema, url } = input;
  const route = (input as { route?: { method: string | string[] } }).route;
  if (!schema || schema.hide) return jsonSchemaTransform(input);
  const method = [route?.method ?? 'GET'].flat().find((m) => m !== 'HEAD') ?? 'GET';
  const key = `${method} ${url}`;
  const doc = OPERATIONS[key];
  if (!doc) throw new Error(`OpenAPI: ${key} is not in the operation catalog (src/**/*.openapi.ts)`);
  const response: Record<number, z.ZodType> = {};
  for (const [status, documented] of Object.entries(doc.responses)) response[Number(status)] = documented.schema === null || documented.mediaType ? z.null() : documented.schema;
  const security = doc.access !== 'session' ? [] : SAFE_METHODS.has(method) ? [{ session: [] }] : [{ session: [], csrf: [] }];
  const out = jsonSchemaTransform({ ...input, schema: { ...schema, operationId: doc.operationId, summary: doc.summary, security, response } });
  const responses = out.schema.response as Record<string, Record<string, unknown>>;
  for (const [status, documented] of Object.entries(doc.responses)) {
    responses[status] = documented.mediaType
      ? { description: documented.description, content: { [documented.mediaType]: { schema: { type: 'string', format: 'binary' } } } }
      : { ...responses[status], description: documented.description };
  }
  return out;
}

type OpenApiObject = Record<string, any>;

/** Components no operation or other component refers to (zod's input twins, mostly). */
function pruneComponents(document: OpenApiObject): void {
  const schemas: Record<string, unknown> = document.components?.schemas ?? {};
  const used = new Set<string>();
  const refsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
  let frontier = refsIn({ paths: document.paths, webhooks: document.webhooks });
  while (frontier.length) {
    const next: string[] = [];
    for (const name of frontier.filter((n) => !used.has(n))) {
      used.add(name);
      next.push(...refsIn(schemas[name] ?? {}));
    }
    frontier = next;
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

function finishDocument(input: Parameters<typeof jsonSchemaTransformObject>[0], publicUrl: string) {
  const document = jsonSchemaTransformObject(input) as OpenApiObject;
  // Read when the document is first asked for: with port 0, publicUrl is known only after listening.
  document.servers = [{ url: publicUrl, description: 'this deployment' }];
  for (const operations of Object.values(document.paths ?? {}) as Array<Record<string, OpenApiObject>>) {
    for (const operation of Object.values(operations)) {
      const extra = REQUEST_BODIES[operation.operationId];
      if (!extra) continue;
      operation.parameters = [...(operation.parameters ?? []), ...((extra.parameters as unknown[]) ?? [])];
      operation.requestBody = extra.requestBody;
    }
  }
  document.webhooks = WEBHOOKS;
  pruneComponents(document);
  return document;
}

/**
 * The OpenAPI 3.1 document at `/api/openapi.json`: request schemas from the routes' zod schemas,
 * responses, ids, summaries and security from the operation catalog (`src/** /*.openapi.ts`),
 * which every route must have an entry in (the document is not built otherwise).
 */
export function swaggerOptions(config: Config): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Adieu',
        description:
          'Account cancellation: eligibility, review, provable erasure. Browser clients sign in for an HttpOnly `adieu_session` cookie and send the `csrfToken` of `GET /api/auth/session` as `x-csrf-token` on every non-GET request. Errors are `{ error: { code, message, ...details } }`.',
        version: VERSION,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'the session cookie set by sign-in (HttpOnly, SameSite=Lax)' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: 'the `csrfToken` of `GET /api/auth/session`, on every non-GET request of a signed-in user' },
        },
      },
    },
    transform: documentRoute as FastifyDynamicSwaggerOptions['transform'],
    transformObject: ((input: Parameters<typeof jsonSchemaTransformObject>[0]) => finishDocument(input, config.publicUrl)) as FastifyDynamicSwaggerOptions['transformObject'],
  };
}
