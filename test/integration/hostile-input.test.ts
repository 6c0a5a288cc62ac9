import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import type { Client } from '../helpers/test-app.ts';
import { createBuyer, createWorld, PASSWORD, submitApplication, type Buyer, type World } from './cancellation-fixtures.ts';

/**
 * Hostile input never gives a 500. Every operation of the server's own OpenAPI document is called
 * with generated path parameters, queries and bodies, as an anonymous caller, a buyer, a reviewer
 * and an admin (signed in, with CSRF tokens, so the requests reach the handlers). Every answer is
 * below 500, every error is in the shape `{ error: { code, message } }`, and the server is healthy
 * afterwards. The seed is fixed; `FUZZ_RUNS` (runs per operation) and `FUZZ_SEED` ask for more.
 */
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 10);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyProperties: string[] | null;
}

function operationsOf(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters: Array<{ in: string; name: string }> = operation.parameters ?? [];
      const json = operation.requestBody?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyProperties: json ? Object.keys(json.properties ?? {}) : null,
      });
    }
  }
  return operations;
}

const LONG = 'a'.repeat(10_000);
/** Text an attacker sends: NUL, lone surrogates, right-to-left overrides, huge and odd numbers, long strings. */
const hostileText = fc.oneof(
  { arbitrary: fc.constantFrom('\u0000', 'abc\u0000def', 'app_\u0000', `${LONG}\u0000`), weight: 3 },
  { arbitrary: fc.constantFrom('\uD800', 'x\uDFFFy', '\u202Eexe.txt', '\u202Dlrm\u200F', LONG, '__proto__', 'constructor', '😀'.repeat(50)), weight: 2 },
  { arbitrary: fc.constantFrom('1e309', '-0', '9007199254740993', '99999999999999999999999999', 'NaN', '-1', '0', 'true', 'null', '[]', '{}'), weight: 1 },
  { arbitrary: fc.constantFrom("' OR 1=1 --", '../../etc/passwd', '<script>alert(1)</script>', '%00', '\r\nX-Injected: 1'), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
);

/** A JSON value of any type, or deliberately the wrong one. */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: hostileText, weight: 4 },
    { arbitrary: fc.constantFrom(0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 0.5, true, false, null), weight: 2 },
    { arbitrary: fc.integer(), weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 3 }), weight: 1 },
    {
      arbitrary: fc.array(fc.tuple(fc.oneof(hostileText, fc.constant('__proto__')), tie('value')), { maxLength: 3 }).map((entries) => Object.fromEntries(entries)),
      weight: 1,
    },
  ),
})).value;

/** Text as it goes into a URL: percent-encoded (a lone surrogate cannot be, so it becomes raw invalid UTF-8). */
const encoded = (text: string) => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD')) + (/[\uD800-\uDFFF]/.test(text) ? '%ED%A0%80' : '');

/** A path segment or query value as it goes on the wire: a real id, encoded hostile text, or escapes that are not valid UTF-8. */
function wireText(realIds: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...realIds), weight: 1 },
    { arbitrary: hostileText.map(encoded), weight: 3 },
    { arbitrary: fc.constantFrom('%00', 'app_%00', '%', '%zz', '%C0%AF', '%FF', '%ED%A0%80', '%E2%82', 'a'.repeat(600), '..', '%2F'), weight: 2 },
  );
}

interface Request {
  caller: number;
  url: string;
  payload: string | undefined;
  contentType: string;
}

function requestFor(op: Operation, realIds: string[]): fc.Arbitrary<Request> {
  const params = fc.tuple(...op.pathParams.map(() => wireText(realIds)));
  const query = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...op.queryParams, '__proto__', 'constructor[prototype]'), fc.constant(op.queryParams[0] ?? 'x')), wireText(realIds)),
    { maxLength: 4 },
  );
  const fields = op.bodyProperties ?? [];
  const body = fc.oneof(
    // The operation's own fields with hostile values (some left out).
    fc.array(fc.tuple(fields.length > 0 ? fc.constantFrom(...fields) : hostileText, hostileValue), { maxLength: fields.length + 2 }).map((entries) => JSON.stringify(Object.fromEntries(entries))),
    hostileValue.map((value) => JSON.stringify(value) ?? 'null'),
    fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '{', '{"a":', '\u0000', '', 'null', '[]', '"\\ud800"', '{"a":"\\u0000"}'),
  );
  return fc.record({
    caller: fc.constantFrom(0, 1, 1, 2, 2, 3, 3),
    params,
    query,
    body,
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'multipart/form-data; boundary=x'),
  }).map(({ caller, params, query, body, contentType }) => {
    let path = op.path;
    op.pathParams.forEach((name, i) => {
      path = path.replace(`{${name}}`, params[i]!);
    });
    const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
    return { caller, url: search ? `${path}?${search}` : path, payload: op.method === 'GET' ? undefined : body, contentType };
  });
}

/** Status below 500, and an error body in the one shape. */
function assertAnswer(op: Operation, request: Request, response: LightMyRequestResponse): void {
  const where = `${op.method} ${request.url.slice(0, 200)} (caller ${request.caller}) → ${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(response.statusCode, where).toBeLessThan(500);
  if (response.statusCode < 400) return;
  expect(response.headers['content-type'], where).toMatch(/application\/json/);
  const body = JSON.parse(response.body);
  expect(body.error?.code, where).toMatch(/^[A-Z][A-Z0-9_]+$/);
  expect(typeof body.error?.message, where).toBe('string');
}

describe.each(DATABASE_KINDS)('hostile input (%s)', (kind) => {
  let w: World;
  let buyer: Buyer;
  let operations: Operation[];
  let realIds: string[];

  beforeAll(async () => {
    w = await createWorld(kind);
    buyer = await createBuyer(w.t, 'fuzz-buyer@example.com');
    const application = await submitApplication(buyer);
    const document = await w.t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    operations = operationsOf(document.json());
    realIds = [application.id, buyer.userId, 'app_unknown', 'ers_nope', 'doc_AAAAAAAAAAAAAAAAAAAAAA'];
  }, 180_000);
  afterAll(() => w?.close());

  /** The caller of a run: anonymous, or signed in again if an earlier request ended its session. */
  async function caller(index: number): Promise<Client | null> {
    const [client, email, password] = [
      [null, '', ''],
      [buyer.client, buyer.email, PASSWORD],
      [w.reviewer, 'reviewer@example.com', 'demo-reviewer-1'],
      [w.admin, 'admin@example.com', 'demo-admin-1'],
    ][index] as [Client | null, string, string];
    if (client) {
      const session = await client.get('/api/auth/session');
      if (session.statusCode !== 200 || !session.json().user) {
        client.cookie = null;
        client.csrfToken = null;
        await client.signIn(email, password);
      }
      if (!client.csrfToken) await client.get('/api/auth/session');
    }
    return client;
  }

  it('answers the measured cases of issue 11 in the error shape, before any SQL runs', async () => {
    const expectError = (response: LightMyRequestResponse, status: number, code: string) => {
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().error).toEqual(expect.objectContaining({ code, message: expect.any(String) }));
    };
    const admin = (await caller(3))!;
    // A NUL in an id names nothing; a NUL in a query or a text field is refused.
    expectError(await w.t.app.inject({ method: 'GET', url: '/api/certificates/%00' }), 404, 'NOT_FOUND');
    expectError(await admin.get('/api/admin/erasures/ers_%00'), 404, 'NOT_FOUND');
    expectError(await admin.get('/api/admin/erasures?applicationId=%00'), 422, 'VALIDATION_FAILED');
    expectError(await admin.get('/api/admin/erasures/preview?subject=a%00'), 422, 'VALIDATION_FAILED');
    const message = await (await caller(1))!.post('/api/auth/reauth', { password: 'x\u0000' });
    expectError(message, 422, 'VALIDATION_FAILED');
    expect(message.json().error.fields).toEqual({ password: 'must not contain NUL characters' });
    // Fastify's own errors: invalid UTF-8 in the path, an over-long path parameter, junk JSON, a body too large.
    expectError(await w.t.app.inject({ method: 'GET', url: '/api/certificates/%ED%A0%80' }), 400, 'BAD_REQUEST');
    expectError(await w.t.app.inject({ method: 'GET', url: `/api/certificates/${'a'.repeat(600)}` }), 414, 'URI_TOO_LONG');
    expectError(await w.t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"a":' }), 400, 'BAD_REQUEST');
    expectError(await w.t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1}}' }), 400, 'BAD_REQUEST');
    expectError(await w.t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/csv' }, payload: 'a,b' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(
      await w.t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ identifier: 'a'.repeat(2 * 1024 * 1024) }) }),
      413,
      'BODY_TOO_LARGE',
    );
    expectError(await w.t.app.inject({ method: 'GET', url: '/api/no/such/thing' }), 404, 'NOT_FOUND');
  });

  it('answers every operation of the OpenAPI document below 500, in the error shape', async () => {
    expect(operations.length).toBeGreaterThan(40);
    for (const [index, op] of operations.entries()) {
      await fc.assert(
        fc.asyncProperty(requestFor(op, realIds), async (request) => {
          const client = await caller(request.caller);
          const headers: Record<string, string> = { 'content-type': request.contentType };
          if (client?.cookie) headers.cookie = `adieu_session=${client.cookie}`;
          if (client?.csrfToken) headers['x-csrf-token'] = client.csrfToken;
          const response = await w.t.app.inject({
            method: op.method,
            url: request.url,
            headers,
            remoteAddress: `10.9.${request.caller}.${1 + (request.url.length % 250)}`,
            ...(request.payload === undefined ? {} : { payload: request.payload }),
          });
          assertAnswer(op, request, response);
        }),
        { numRuns: RUNS_PER_OPERATION, seed: SEED + index, endOnFailure: true },
      );
    }
    const health = await w.t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
  }, 300_000);
});
