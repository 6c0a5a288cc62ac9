import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, DEMO_PASSWORD } from '../helpers/test-app.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { advance, claim, signInStaff, createBuyer, createWorld, decide, runJobs, submission, uploadDocument, type World } from './cancellation-fixtures.ts';
import { responseChecker, type Recorded } from '../helpers/openapi-conformance.ts';

/**
 * The OpenAPI document against what the server really answers: the main journeys (sign-up,
 * account, eligibility, upload, submission, review, decision, erasure, certificate, admin views,
 * shop, errors) through the real app, every answer checked against the documented response of
 * its operation and status.
 */
describe('documented responses are the real ones', () => {
  let w: World;
  const recorded: Recorded[] = [];

  beforeAll(async () => {
    w = await createWorld('embedded', { erasure: { graceDays: 1 } });
    const inject = w.t.app.inject.bind(w.t.app) as (options: InjectOptions) => Promise<LightMyRequestResponse>;
    (w.t.app as any).inject = async (options: InjectOptions) => {
      const response = await inject(options);
      recorded.push({ method: String(options.method ?? 'GET'), url: String(options.url), status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), body: response.body });
      return response;
    };
  });
  afterAll(() => w?.close());

  it('walks the journeys and every answer matches its documented response', async () => {
    const { t, reviewer, admin } = w;
    const anonymous = new Client(t.app);
    await anonymous.get('/api/health');
    await anonymous.get('/api/health/ready');
    await anonymous.get('/api/auth/session');
    await anonymous.get('/api/account'); // 401
    await anonymous.post('/api/auth/signup', { email: 'new@example.com', password: 'a long enough passphrase', displayName: 'New Buyer' });
    await anonymous.post('/api/auth/signup', { email: 'new@example.com', password: 'a long enough passphrase', displayName: 'New Buyer' }); // 409
    await anonymous.post('/api/auth/signup', { password: 'x' }); // 422
    await anonymous.post('/api/auth/login', { identifier: 'new@example.com', password: 'wrong password here' }); // 401
    await anonymous.post('/api/auth/password/forgot', { identifier: 'new@example.com' });
    await anonymous.post('/api/auth/password/reset', { token: 'nope', password: 'another long passphrase' }); // 400
    await anonymous.get('/.well-known/adieu/certificate-keys');
    await anonymous.get('/api/certificates/crt_nope'); // 404

    const buyer = await createBuyer(t, 'grace@example.com');
    const c = buyer.client;
    await c.get('/api/auth/session');
    await c.get('/api/account');
    await c.get('/api/account/sessions');
    await c.patch('/api/account/preferences', { locale: 'en' });
    await c.post('/api/auth/totp/setup');
    await c.get('/api/cancellation');
    await c.get('/api/cancellation/eligibility');
    await c.get('/api/shop/overview');
    await c.get('/api/shop/orders');
    await c.get('/api/shop/disputes');
    await c.get('/api/shop/refunds');
    await c.get('/api/shop/subscriptions');
    await c.get('/api/shop/wallet');
    await c.post('/api/shop/wallet/withdraw');
    const documentId = await uploadDocument(c);
    await c.get('/api/cancellation/documents');
    await c.post('/api/cancellation', { ...submission([documentId]), acknowledge: false }); // 422
    const submitted = await c.post('/api/cancellation', submission([documentId]));
    expect(submitted.statusCode).toBe(201);
    const applicationId = submitted.json().id;
    await c.post('/api/cancellation', submission([documentId])); // 409
    await c.get('/api/cancellation');
    await c.post('/api/cancellation/messages', { body: 'Hello, any news?' });
    await c.get('/api/cancellation/messages');
    await c.request('POST', '/api/cancellation/withdraw', {}, { 'x-csrf-token': 'wrong' }); // 403

    await reviewer.get('/api/review/applications');
    await reviewer.get(`/api/review/applications/${applicationId}`);
    await claim(reviewer, applicationId);
    await claim(admin, applicationId); // 409
    await reviewer.get(`/api/review/applications/${applicationId}/messages`);
    await reviewer.post(`/api/review/applications/${applicationId}/messages`, { body: 'We are looking at it.' });
    await reviewer.get('/api/review/guidance-templates');
    await c.get(`/api/cancellation/documents/${documentId}`);
    await reviewer.get(`/api/review/applications/${applicationId}/documents/${documentId}`);
    await c.request('DELETE', `/api/cancellation/documents/${documentId}`); // 409: part of a request
    await reviewer.request('DELETE', `/api/review/applications/${applicationId}/claim`);
    await claim(reviewer, applicationId);
    await c.get('/api/review/applications'); // 403
    const decided = await decide(reviewer, applicationId, { outcome: 'approve', reasonCode: 'OTHER', message: 'Approved.' });
    expect(decided.statusCode).toBe(200);
    await c.get('/api/cancellation');

    await advance(t, 'P2D');
    for (let round = 0; round < 6; round++) await runJobs(t);
    await signInStaff(admin, 'admin@example.com', 'demo-admin-1');
    await admin.get(`/api/admin/erasures?applicationId=${applicationId}`);
    const run = (await admin.get('/api/admin/erasures')).json().items[0];
    await admin.get(`/api/admin/erasures/${run.id}`);
    await admin.get('/api/admin/erasures/ers_nope'); // 404
    await admin.get('/api/admin/webhooks');
    await admin.get('/api/admin/datamap');
    await admin.get('/api/admin/audit');
    await admin.get('/api/admin/audit/verify');
    await admin.get('/api/admin/reports/sla');
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!;
    await admin.get(`/api/admin/erasures/preview?subject=${ada.subjectId}`);
    const certificateId = (await admin.get(`/api/admin/erasures/${run.id}`)).json().certificateId;
    if (certificateId) await anonymous.get(`/api/certificates/${certificateId}`);

    const other = await createBuyer(t, 'other@example.com');
    const otherDocument = await uploadDocument(other.client);
    await other.client.post('/api/cancellation', submission([otherDocument]));
    await other.client.post('/api/cancellation/withdraw');
    await other.client.post('/api/cancellation/resubmit', {}); // 409
    await other.client.get('/api/account/sessions');
    await other.client.delete('/api/account/sessions');

    const ben = new Client(t.app);
    await ben.signIn('ben@example.com', DEMO_PASSWORD);
    await ben.get('/api/cancellation/eligibility');
    await ben.get('/api/shop/orders?status=pending');
    await ben.post('/api/auth/logout');

    await anonymous.get('/api/dev/clock');
    await anonymous.get('/api/dev/mailbox');

    const journey = [...recorded];
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const check = responseChecker(document);
    expect(journey.length).toBeGreaterThan(70);
    expect(check(journey)).toEqual([]);

    // The check sees drift: a field the document does not know, a missing one, an undocumented status.
    const session = journey.find((r) => r.url === '/api/auth/session' && r.body.includes('"user":{'))!;
    const body = JSON.parse(session.body);
    expect(check([{ ...session, body: JSON.stringify({ ...body, extra: 1 }) }])).toHaveLength(1);
    expect(check([{ ...session, body: JSON.stringify({ ...body, user: { ...body.user, roles: undefined } }) }])).toHaveLength(1);
    expect(check([{ ...session, status: 418 }])).toEqual(['GET /api/auth/session 418: status not documented']);
  });
});
