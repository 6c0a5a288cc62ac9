import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERRORS, type ErrorCode } from '../errors.ts';
import { KeyMissingError } from '../keys/key-store.ts';

function fieldsOf(error: FastifyError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of (error.validation ?? []) as Array<{ instancePath?: string; message?: string; params?: any }>) {
    const path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || (issue.params?.issue?.path ?? []).join('.') || '(body)';
    fields[path] ??= issue.message ?? 'invalid';
  }
  return fields;
}

/**
 * What of an unexpected error may be logged. A failed query's message carries its SQL parameters
 * (ciphertexts, hashes, tokens…), and so does the first line of its stack: keep the database's own
 * error (code and sentence, no `detail` with key values) and the stack frames only.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  const e = error as { name?: string; code?: string; message?: string; stack?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause && typeof e.cause === 'object' ? e.cause : null;
  const isQuery = typeof e?.message === 'string' && e.message.startsWith('Failed query');
  const frames = (e?.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 15)
    .join('\n');
  return {
    type: e?.name ?? typeof error,
    code: cause?.code ?? e?.code,
    message: isQuery ? `database: ${cause?.message ?? 'query failed'}` : e?.message,
    stack: frames,
  };
}

function send(reply: any, code: ErrorCode, details: Record<string, unknown> = {}, message?: string) {
  return reply.status(ERRORS[code].status).send({ error: { code, message: message ?? ERRORS[code].message, ...details } });
}

/** The only place that turns errors into HTTP statuses. Never a stack trace, never a 500 for bad input. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      return reply.status(error.status).send(error.toBody());
    }
    // An operator's problem (key store restored from an older backup), not the buyer's: no new key
    // was made, the log says what to do (the error names no buyer), the buyer gets a clear 503.
    if (error instanceof KeyMissingError) {
      request.log.error({ err: loggableError(error) }, 'key missing from the key store');
      return send(reply, 'KEY_MISSING');
    }
    // A path parameter that fails its schema (an id of the wrong form) names nothing: 404, as an unknown id.
    if (error.validation && error.validationContext === 'params') return send(reply, 'NOT_FOUND');
    if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
      return send(reply, 'VALIDATION_FAILED', { fields: fieldsOf(error) });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
      case 'FST_REQ_FILE_TOO_LARGE':
        return send(reply, 'BODY_TOO_LARGE');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, 'UNSUPPORTED_MEDIA_TYPE');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(reply, 'BAD_REQUEST', {}, 'The request body is not valid JSON.');
      case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
        return send(reply, 'UNSUPPORTED_MEDIA_TYPE');
    }
    if (error instanceof SyntaxError && error.statusCode === 400) return send(reply, 'BAD_REQUEST', {}, 'The request body is not valid JSON.');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      if (error.statusCode === 429) return send(reply, 'RATE_LIMITED');
      if (error.statusCode === 413) return send(reply, 'BODY_TOO_LARGE');
      if (error.statusCode === 415) return send(reply, 'UNSUPPORTED_MEDIA_TYPE');
      return send(reply, 'BAD_REQUEST');
    }
    request.log.error({ err: loggableError(error) }, 'unhandled error');
    return send(reply, 'INTERNAL');
  });
}

/**
 * Fastify's `frameworkErrors` option: the errors it raises before routing (invalid UTF-8 or
 * percent-escapes in the path, an over-long path parameter) answer in the error shape too.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      send(reply, 'BAD_REQUEST', {}, 'The address of this request is not valid.');
      return;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      send(reply, 'URI_TOO_LONG');
      return;
    default:
      request.log.error({ err: loggableError(error) }, 'framework error');
      send(reply, 'INTERNAL');
  }
}

/** Unknown API paths answer JSON; any other GET loads the single-page web UI when it is built. */
export function installNotFound(app: FastifyInstance, serveIndex: boolean): void {
  app.setNotFoundHandler((request, reply) => {
    if (serveIndex && request.method === 'GET' && !request.url.startsWith('/api/')) return reply.type('text/html').sendFile('index.html');
    return send(reply, 'NOT_FOUND');
  });
}
