import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { CLIENT_CONFIG, clientTypes, CLIENT_TYPES_FILE, lintOpenApi } from '../../scripts/openapi-tools.ts';

const STATE_CHANGING = new Set(['post', 'put', 'patch', 'delete']);

/** The OpenAPI document a platform builds on: valid by Redocly's rules, complete, and the web UI's client generated from it. */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: any;
  beforeAll(async () => {
    // Every optional route on (dev tools, sign-in through a platform): the document the web UI's client comes from.
    t = await createTestApp('embedded', CLIENT_CONFIG);
    document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  });
  afterAll(() => t?.close());

  const operations = () =>
    Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, operation]) => ({ path, method, operation })));

  it('passes redocly lint (recommended ruleset) without an error', async () => {
    const errors = (await lintOpenApi(document)).filter((p) => p.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('gives every operation an id, a summary, security, and a described success response', () => {
    expect(operations().length).toBeGreaterThan(70);
    expect(document.servers).toEqual([{ url: 'http://adieu.test', description: 'this deployment' }]);
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary, where).toBeTruthy();
      expect(operation.tags?.length, where).toBeGreaterThan(0);
      const success = Object.entries(operation.responses as Record<string, any>).filter(([status]) => /^[23]/.test(status));
      expect(success.length, where).toBeGreaterThan(0);
      for (const [, response] of success) expect(response.description, where).not.toBe('Default Response');
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        if (/^[45]/.test(status) && path !== '/api/health' && path !== '/api/health/ready') expect(response.content['application/json'].schema.$ref, `${where} ${status}`).toBe('#/components/schemas/Error');
      }
      const security = operation.security as Array<Record<string, string[]>>;
      if (security.length > 0) {
        expect(security[0].session, where).toEqual([]);
        expect('csrf' in security[0], where).toBe(STATE_CHANGING.has(method));
      }
    }
    const byId = Object.fromEntries(operations().map((o) => [o.operation.operationId, o.operation]));
    expect(Object.keys(byId['submitApplication'].responses)).toEqual(expect.arrayContaining(['201', '401', '403', '409', '422']));
    expect(byId['uploadDocument'].responses['201']).toBeDefined();
    expect(byId['signOut'].responses['204'].content).toBeUndefined();
    expect(byId['forgotPassword'].responses['202']).toBeDefined();
    expect(byId['getSession'].security).toEqual([]);
    expect(byId['getCertificate'].security).toEqual([]);
    expect(byId['getAccount'].security).toEqual([{ session: [] }]);
    expect(byId['submitApplication'].security).toEqual([{ session: [], csrf: [] }]);
    expect(document.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'adieu_session' });
    expect(document.components.securitySchemes.csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });
  });

  it('describes the multipart upload, the signed confirmation and the outgoing erasure webhook', () => {
    const upload = document.paths['/api/cancellation/documents'].post.requestBody.content['multipart/form-data'];
    expect(upload.schema.required).toEqual(['file', 'kind']);
    expect(upload.schema.properties.kind.enum).toEqual(['id_front', 'id_back', 'other']);
    expect(upload.encoding.file.contentType).toContain('image/heic');
    const confirm = document.paths['/api/erasure/confirmations'].post;
    expect(confirm.requestBody.content['application/json'].schema.properties.type.const).toBe('erasure.confirmed');
    expect(confirm.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(Object.keys(confirm.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    const webhook = document.webhooks['erasure.requested'].post;
    expect(webhook.requestBody.content['application/json'].schema.properties.data.required).toEqual(['messageId', 'requestId', 'runId', 'subject', 'categories', 'confirmUrl']);
    expect(webhook.parameters.map((p: { name: string }) => p.name)).toContain('webhook-signature');
  });

  it('is browsable at /api/docs', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
  });

  it('generates the web UI client types that are committed (npm run openapi:generate)', async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await clientTypes(document));
  });
});
