import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { AdjustableClock } from '../../src/clock/clock.ts';
import { auditLog } from '../../src/audit/audit.tables.ts';
import { erasureDownstream, erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { verifyCertificate } from '../../src/erasure/certificate-verify.ts';
import { generateSecret } from '../../src/webhooks/standard-webhooks.ts';
import { VERSION } from '../../src/version.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

const SECRET = generateSecret();

type Reply = { status: number; headers?: Record<string, string> } | 'hang' | ((request: Received) => Promise<{ status: number }>);
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on a free port, answering from a script, recording every request. */
async function startReceiver(): Promise<{ url: string; received: Received[]; script: Reply[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const script: Reply[] = [];
  const hanging: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const request = { headers: req.headers, body };
      received.push(request);
      const next = script.shift() ?? { status: 200 };
      if (next === 'hang') {
        hanging.push(() => res.destroy());
        return;
      }
      const answer = typeof next === 'function' ? await next(request) : next;
      res.writeHead(answer.status, 'headers' in answer ? (answer.headers as Record<string, string>) : {});
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/erasure`,
    received,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        for (const h of hanging) h();
        server.close(() => resolve());
      }),
  };
}

/** A receiver verifying with the official `standardwebhooks` library and its defaults. */
function signatureValid(secret: string, r: Received): boolean {
  try {
    new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** A receiver's confirmation callback, signed with the official library. */
function signedConfirmation(secret: string, messageId: string, options: { id?: string; timestamp?: number; outcome?: string; tamper?: boolean } = {}) {
  const id = options.id ?? `cb_${randomUUID()}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: 'erasure.confirmed', data: { messageId, outcome: options.outcome ?? 'erased' } });
  const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
  return {
    method: 'POST' as const,
    url: '/api/erasure/confirmations',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
    payload: options.tamper ? body.replace('erased', 'not_found') : body,
  };
}

describe.each(DATABASE_KINDS)('downstream erasure webhooks (%s)', (kind) => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let applicationId: string;
  let clock: AdjustableClock;

  beforeEach(async () => {
    receiver = await startReceiver();
    // Long enough for the receiver that confirms inside its delivery on a loaded machine; a hang still times out.
    t = await createTestApp(kind, { webhooks: [{ name: 'crm', url: receiver.url, secret: SECRET }], erasure: { webhookTimeoutMs: 2000 } });
    clock = t.ctx.clock as AdjustableClock;
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    ({ applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag()));
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  const downstream = async (runId: string) => (await t.ctx.db.select().from(erasureDownstream).where(eq(erasureDownstream.runId, runId)))[0];
  const runState = async (runId: string) => (await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId)))[0];
  const advance = async (seconds: number) => {
    await clock.set(t.ctx.db, new Date(clock.now().getTime() + seconds * 1000));
  };

  it('retries 5xx, timeouts and 429 (honouring Retry-After) with one webhook-id, and completes on a signed confirmation, even out of order and twice', async () => {
    let confirmedInsideDelivery: number | null = null;
    receiver.script.push({ status: 503 }, 'hang', { status: 429, headers: { 'retry-after': '900' } }, async (request) => {
      // Out of order: the receiver confirms before it answers the delivery.
      const messageId = JSON.parse(request.body).data.messageId;
      confirmedInsideDelivery = (await t.app.inject(signedConfirmation(SECRET, messageId))).statusCode;
      return { status: 202 };
    });
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    expect(receiver.received).toHaveLength(1);
    expect((await downstream(runId)).state).toBe('pending');
    expect((await downstream(runId)).lastStatus).toBe(503);
    expect((await runState(runId)).state).toBe('pending_external');

    await advance(60);
    await drainJobs(t.ctx);
    expect(receiver.received).toHaveLength(2);
    expect((await downstream(runId)).lastError).toBe('timeout');

    await advance(300);
    await drainJobs(t.ctx);
    expect(receiver.received).toHaveLength(3);
    const afterThrottle = await downstream(runId);
    expect(afterThrottle.lastStatus).toBe(429);
    expect(afterThrottle.nextAttemptAt!.getTime() - clock.now().getTime()).toBeGreaterThan(890_000);

    await advance(600); // not yet: Retry-After said 900 s
    await drainJobs(t.ctx);
    expect(receiver.received).toHaveLength(3);
    await advance(310);
    await drainJobs(t.ctx);
    expect(receiver.received).toHaveLength(4);
    expect(confirmedInsideDelivery).toBe(200);

    // Every attempt: the same webhook-id, a valid signature, the same thin body without personal data.
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    for (const r of receiver.received) expect(signatureValid(SECRET, r)).toBe(true);
    for (const r of receiver.received) expect(r.headers['user-agent']).toBe(`Adieu/${VERSION}`);
    const body = JSON.parse(receiver.received[0].body);
    expect(body).toMatchObject({ type: 'erasure.requested', data: { requestId: applicationId, runId, subject: expect.stringMatching(/^sub_/), categories: expect.arrayContaining(['user.contact.email']) } });
    // The buyer's own values, not letter runs: the body's random ids may contain "ada" or "138".
    expect(receiver.received[0].body).not.toMatch(/ada@example\.com|lovelace|example\.com|13800000001/i);

    const row = await downstream(runId);
    expect(row.state).toBe('confirmed');
    expect(row.deliveredAt).not.toBeNull();
    const run = await runState(runId);
    expect(run.state).toBe('completed');

    // A duplicate (same callback id) and a second confirmation change nothing.
    const again = await t.app.inject(signedConfirmation(SECRET, row.messageId));
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('duplicate');
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    expect(certificate.payload.downstream).toEqual([{ name: 'crm', state: 'confirmed', outcome: 'erased', confirmedAt: expect.any(String) }]);
  });

  it('stamps the body and the webhook-timestamp header from the same (system) clock, even after the demo clock moved', async () => {
    await advance(16 * 24 * 3600);
    await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const header = Number(delivery.headers['webhook-timestamp']);
    const body = Math.floor(Date.parse(JSON.parse(delivery.body).timestamp) / 1000);
    // The service clock is 16 days ahead; both stamps must still be the real time of the request.
    expect(header - body).toBeGreaterThanOrEqual(0);
    expect(header - body).toBeLessThan(3600);
    expect(signatureValid(SECRET, delivery)).toBe(true);
  });

  it('refuses bad signatures, stale timestamps and tampered bodies; a validly signed unknown request gets 404 UNKNOWN_DELIVERY', async () => {
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const { messageId } = await downstream(runId);
    const bad = [
      signedConfirmation(generateSecret(), messageId),
      signedConfirmation(SECRET, messageId, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      signedConfirmation(SECRET, messageId, { tamper: true }),
    ];
    for (const request of bad) {
      const response = await t.app.inject(request);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    const noSignature = await t.app.inject({ ...bad[0], headers: { 'content-type': 'application/json' } });
    expect(noSignature.statusCode).toBe(401);
    const unknown = await t.app.inject(signedConfirmation(SECRET, 'msg_unknown'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('UNKNOWN_DELIVERY');
    const unknownBadlySigned = await t.app.inject(signedConfirmation('whsec_' + Buffer.from('some other secret entirely, 32 b').toString('base64'), 'msg_unknown'));
    expect(unknownBadlySigned.statusCode).toBe(401);
    expect((await downstream(runId)).state).toBe('delivered');
    expect((await runState(runId)).state).toBe('pending_external');
  });

  it('disables an endpoint that answers 410, raises an alert, and waits for an admin exception', async () => {
    receiver.script.push({ status: 410 });
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    expect((await downstream(runId)).state).toBe('disabled');
    expect((await runState(runId)).state).toBe('pending_external');
    const alerts = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'erasure.webhook_disabled'));
    expect(alerts).toHaveLength(1);

    const admin = new Client(t.app);
    await admin.signIn('admin@example.com', 'demo-admin-1');
    const health = (await admin.get('/api/admin/webhooks')).json();
    expect(health.items[0]).toMatchObject({ name: 'crm', status: 'disabled', disabledReason: '410 Gone', lastStatus: 410 });
    // Nothing more is sent to a disabled endpoint.
    await advance(3600);
    await drainJobs(t.ctx);
    expect(receiver.received).toHaveLength(1);

    await admin.signIn('admin@example.com', 'demo-admin-1'); // the clock moved past the idle timeout
    const view = (await admin.get(`/api/admin/erasures?applicationId=${applicationId}`)).json();
    expect(view.items[0]).toMatchObject({ id: runId, state: 'pending_external', downstream: [{ name: 'crm', state: 'disabled' }] });
    const tooShort = await admin.post(`/api/admin/erasures/${runId}/exceptions`, { name: 'crm', reason: 'gone' });
    expect(tooShort.statusCode).toBe(422);
    const settled = await admin.post(`/api/admin/erasures/${runId}/exceptions`, { name: 'crm', reason: 'The CRM was decommissioned on 1 March; it holds no data.' });
    expect(settled.statusCode).toBe(200);
    await drainJobs(t.ctx);
    const run = await runState(runId);
    expect(run.state).toBe('completed');
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    expect(certificate.payload.downstream).toEqual([{ name: 'crm', state: 'exception', exception: 'The CRM was decommissioned on 1 March; it holds no data.' }]);
    expect((await verifyCertificate(JSON.stringify(certificate), (await t.app.inject({ url: '/.well-known/adieu/certificate-keys' })).json())).valid).toBe(true);
  });

  it('gives up after 72 hours of failures and tells the admin', async () => {
    for (let i = 0; i < 40; i++) receiver.script.push({ status: 500 });
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    for (let hour = 0; hour < 80 && (await downstream(runId)).state === 'pending'; hour += 6) {
      await advance(6 * 3600);
      await drainJobs(t.ctx);
    }
    const row = await downstream(runId);
    expect(row.state).toBe('failed');
    expect(row.lastError).toContain('gave up after 72 h');
    expect(row.attempts).toBeGreaterThan(5);
    expect(await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'erasure.webhook_gave_up'))).toHaveLength(1);
    expect((await runState(runId)).state).toBe('pending_external');
  });
});

describe.each(DATABASE_KINDS)('rotating a receiver\'s secret (%s)', (kind) => {
  const [OLD, NEW] = [generateSecret(), generateSecret()];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: TestApp | undefined;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await t?.close();
    await receiver.close();
  });

  async function eraseAda(webhook: { secret: string; previousSecret?: string }): Promise<string> {
    t = await createTestApp(kind, { webhooks: [{ name: 'crm', url: receiver.url, ...webhook }] });
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    return (await t.ctx.db.select().from(erasureDownstream).where(eq(erasureDownstream.runId, runId)))[0].messageId;
  }

  it('signs with both secrets during the switch, accepts confirmations under either, and only the new one after', async () => {
    const during = await eraseAda({ secret: NEW, previousSecret: OLD });
    const delivery = receiver.received.at(-1)!;
    expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // A receiver still on the old secret and one already on the new one both accept the delivery.
    expect(signatureValid(OLD, delivery)).toBe(true);
    expect(signatureValid(NEW, delivery)).toBe(true);
    expect((await t!.app.inject(signedConfirmation(OLD, during))).statusCode).toBe(200);
    expect((await t!.app.inject(signedConfirmation(NEW, during))).json().status).toBe('duplicate');
    await t!.close();

    const after = await eraseAda({ secret: NEW });
    const last = receiver.received.at(-1)!;
    expect(signatureValid(NEW, last)).toBe(true);
    expect(signatureValid(OLD, last)).toBe(false);
    const refused = await t!.app.inject(signedConfirmation(OLD, after));
    expect(refused.statusCode).toBe(401);
    expect((await t!.app.inject(signedConfirmation(NEW, after))).json().status).toBe('accepted');
  });
});
