import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { generateSecret } from '../../src/webhooks/standard-webhooks.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { deletionCertificates } from '../../src/erasure/erasure.tables.ts';
import { freezeNotices } from '../../src/cancellation/freeze/freeze.tables.ts';
import { advance, claim, createBuyer, createWorld, decide, dev, runJobs, statusOf, submitApplication, type Buyer, type World } from './cancellation-fixtures.ts';

const ORDERS_SECRET = generateSecret();
const CRM_SECRET = generateSecret();
const LOG_SECRET = generateSecret();

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * A platform's receiver on a real socket. It verifies every request with the official
 * `standardwebhooks` library, confirms erasure requests with a signed callback, and answers
 * freeze notices with `freezeStatus` and, when `confirm`, `{ "frozen": true }` / `{ "unfrozen": true }`.
 */
async function startReceiver(secret: string, freezeStatus: number, app: () => FastifyInstance, confirm = true) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      new Webhook(secret).verify(body, req.headers as Record<string, string>);
      const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      received.push({ headers: req.headers, body, type: parsed.type, data: parsed.data });
      if (parsed.type === 'erasure.requested') {
        const id = `cb_${randomUUID()}`;
        const callback = JSON.stringify({ type: 'erasure.confirmed', data: { messageId: parsed.data.messageId, outcome: 'erased' } });
        const signature = new Webhook(secret).sign(id, new Date(), callback);
        await app().inject({
          method: 'POST',
          url: '/api/erasure/confirmations',
          headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signature },
          payload: callback,
        });
        res.writeHead(200).end('{}');
        return;
      }
      res.writeHead(freezeStatus, { 'content-type': 'application/json' }).end(confirm ? JSON.stringify({ [parsed.type === 'account.frozen' ? 'frozen' : 'unfrozen']: true }) : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(DATABASE_KINDS)('freeze notices to downstream receivers (%s)', (kind) => {
  let w: World;
  let orders: Awaited<ReturnType<typeof startReceiver>>;
  let crm: Awaited<ReturnType<typeof startReceiver>>;
  let log: Awaited<ReturnType<typeof startReceiver>>;
  let buyer: Buyer;

  beforeEach(async () => {
    orders = await startReceiver(ORDERS_SECRET, 200, () => w.t.app);
    // A receiver that takes erasure requests but never confirms a freeze.
    crm = await startReceiver(CRM_SECRET, 503, () => w.t.app);
    // A receiver that answers 200 to anything but never says it froze the account.
    log = await startReceiver(LOG_SECRET, 200, () => w.t.app, false);
    w = await createWorld(kind, {
      webhooks: [
        { name: 'orders', url: orders.url, secret: ORDERS_SECRET },
        { name: 'crm', url: crm.url, secret: CRM_SECRET },
        { name: 'log', url: log.url, secret: LOG_SECRET },
      ],
    });
    buyer = await createBuyer(w.t, 'frozen.buyer@example.com');
  });
  afterEach(async () => {
    await w.close();
    await orders.close();
    await crm.close();
    await log.close();
  });

  const subjectOf = async (userId: string) => (await w.t.ctx.db.select({ s: users.subjectId }).from(users).where(eq(users.id, userId)))[0].s;
  const freezeEvents = (r: { received: Received[] }) => r.received.filter((x) => x.type.startsWith('account.'));
  const approve = async () => {
    const submitted = await submitApplication(buyer);
    await claim(w.reviewer, submitted.id);
    expect((await decide(w.reviewer, submitted.id, { outcome: 'approve' })).statusCode).toBe(200);
    await runJobs(w.t);
    return submitted.id as string;
  };

  it('sends account.frozen at approval, and the certificate names the receivers that confirmed it', async () => {
    const applicationId = await approve();
    const subject = await subjectOf(buyer.userId);
    const [frozen] = freezeEvents(orders);
    expect(frozen).toMatchObject({ type: 'account.frozen', data: { requestId: applicationId, subject, externalId: null } });
    expect(frozen.headers['webhook-id']).toBe(frozen.data.messageId);
    expect(typeof frozen.data.erasureAfter).toBe('string');
    expect(JSON.stringify(frozen.data)).not.toContain('frozen.buyer');
    expect(freezeEvents(crm).map((e) => e.type)).toEqual(['account.frozen']);
    const notices = await w.t.ctx.db.select().from(freezeNotices).where(eq(freezeNotices.applicationId, applicationId));
    expect(Object.fromEntries(notices.map((n) => [n.receiver, n.state]))).toEqual({ orders: 'confirmed', crm: 'pending', log: 'delivered' });
    expect(freezeEvents(log)).toHaveLength(1);

    // The grace period ends; the erasure runs (both receivers confirm the erasure itself).
    await advance(w.t, 'P7DT1M');
    for (let i = 0; i < 20 && (await statusOf(w.t, applicationId)) !== 'erased'; i++) await runJobs(w.t);
    expect(await statusOf(w.t, applicationId)).toBe('erased');
    const [certificate] = await w.t.ctx.db.select().from(deletionCertificates);
    const freeze = (certificate.payload as { freeze: { confirmedBy: Array<{ receiver: string; confirmedAt: string }>; notConfirmedBy: string[] } }).freeze;
    expect(freeze.confirmedBy).toEqual([{ receiver: 'orders', confirmedAt: expect.any(String) }]);
    expect(freeze.notConfirmedBy).toEqual(['crm', 'log']);
    // The notice is repeated under its one webhook-id until the receiver confirms.
    const crmIds = new Set(freezeEvents(crm).map((e) => e.headers['webhook-id']));
    expect(crmIds.size).toBe(1);
  });

  it('sends account.unfrozen when the buyer withdraws, and nothing for a withdrawal before approval', async () => {
    const applicationId = await approve();
    expect((await buyer.client.post('/api/cancellation/withdraw')).statusCode).toBe(200);
    await runJobs(w.t);
    expect(freezeEvents(orders).map((e) => [e.type, e.data.requestId, e.data.reason ?? null])).toEqual([
      ['account.frozen', applicationId, null],
      ['account.unfrozen', applicationId, 'withdrawn'],
    ]);
    const [frozen, unfrozen] = freezeEvents(orders);
    expect(unfrozen.data.messageId).not.toBe(frozen.data.messageId);
    expect(Date.parse(String(unfrozen.body && JSON.parse(unfrozen.body).timestamp))).toBeGreaterThanOrEqual(Date.parse(JSON.parse(frozen.body).timestamp));

    // A new request withdrawn while still in review: the account was never frozen, nothing is sent.
    const second = await submitApplication(buyer);
    expect((await buyer.client.post('/api/cancellation/withdraw')).statusCode).toBe(200);
    await runJobs(w.t);
    expect(freezeEvents(orders).filter((e) => e.data.requestId === second.id)).toEqual([]);
  });

  it('sends account.unfrozen when a blocker appears during grace', async () => {
    const applicationId = await approve();
    await dev(w.t, '/api/dev/shop/disputes', { userId: buyer.userId });
    await advance(w.t, 'P7DT1M');
    await runJobs(w.t);
    expect(await statusOf(w.t, applicationId)).toBe('in_review');
    expect(freezeEvents(orders).map((e) => [e.type, e.data.reason ?? null])).toEqual([
      ['account.frozen', null],
      ['account.unfrozen', 'blocked'],
    ]);
  });
});
