import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { addStaff, listStaff, removeStaff } from '../../src/accounts/staff.ts';
import { Webhook } from 'standardwebhooks';
import { generateSecret } from '../../src/webhooks/standard-webhooks.ts';

const PASSWORD = 'a long staff passphrase 7';
const GATEWAY_SECRET = generateSecret();
const PREVIOUS_SECRET = generateSecret();

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The platform's SMS gateway: records each POST, answers with `status`. */
async function startGateway(status = () => 202): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.each(DATABASE_KINDS)('staff accounts and SMS by configuration (%s)', (kind) => {
  let t: TestApp | undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  afterEach(async () => {
    await t?.close();
    await gateway?.close();
    t = undefined;
    gateway = undefined;
  });

  it('adds a reviewer with a one-time link, lists them, and removal ends their sessions; all audited', async () => {
    t = await createTestApp(kind);
    const added = await addStaff(t.ctx, { email: 'New.Reviewer@Example.com', role: 'reviewer', actor: 'cli' });
    expect(added.created).toBe(true);
    const token = /^http:\/\/adieu\.test\/reset-password#token=([A-Za-z0-9_-]{43})$/.exec(added.link ?? '')![1];
    // Asked again before the first link was used: a second link (both work until one is used).
    const reinvited = await addStaff(t.ctx, { email: 'new.reviewer@example.com', role: 'reviewer', actor: 'cli' });
    expect(reinvited).toMatchObject({ created: false, userId: added.userId });
    expect(await listStaff(t.ctx)).toEqual([{ userId: added.userId, email: 'new.reviewer@example.com', roles: ['reviewer'], passwordSet: false, status: 'active' }]);

    const reviewer = new Client(t.app);
    expect((await reviewer.post('/api/auth/password/reset', { token, password: PASSWORD })).statusCode).toBe(200);
    // The link works once.
    expect((await reviewer.post('/api/auth/password/reset', { token, password: PASSWORD })).statusCode).toBe(400);
    await reviewer.signIn('new.reviewer@example.com', PASSWORD);
    expect((await reviewer.get('/api/review/applications')).statusCode).toBe(200);
    expect((await reviewer.get('/api/admin/erasures')).statusCode).toBe(403);
    expect((await listStaff(t.ctx))[0].passwordSet).toBe(true);

    // Promoting the same person keeps one account and their password: no link.
    const promoted = await addStaff(t.ctx, { email: 'new.reviewer@example.com', role: 'admin', actor: 'cli' });
    expect(promoted).toEqual({ created: false, userId: added.userId, link: null, expiresAt: null });
    expect((await listStaff(t.ctx))[0].roles.sort()).toEqual(['admin', 'reviewer']);

    await removeStaff(t.ctx, { email: 'new.reviewer@example.com', actor: 'cli' });
    expect((await reviewer.get('/api/review/applications')).statusCode).toBe(401);
    expect((await new Client(t.app).post('/api/auth/login', { identifier: 'new.reviewer@example.com', password: PASSWORD })).statusCode).toBe(401);
    expect(await listStaff(t.ctx)).toEqual([]);
    // The second invitation is void too.
    const second = /#token=(.+)$/.exec(reinvited.link ?? '')![1];
    expect((await new Client(t.app).post('/api/auth/password/reset', { token: second, password: PASSWORD })).statusCode).toBe(400);
    await expect(removeStaff(t.ctx, { email: 'new.reviewer@example.com', actor: 'cli' })).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });

    const { rows } = (await t.ctx.database.executeSql("SELECT action, actor FROM audit_log WHERE action LIKE 'staff.%' ORDER BY seq")) as { rows: Array<{ action: string; actor: string }> };
    expect(rows).toEqual([
      { action: 'staff.added', actor: 'cli' },
      { action: 'staff.added', actor: 'cli' },
      { action: 'staff.added', actor: 'cli' },
      { action: 'staff.removed', actor: 'cli' },
    ]);
  });

  it('lets an admin (only) add, list and remove staff in the admin API', async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
    const reviewer = new Client(t.app);
    await reviewer.signIn('reviewer@example.com', 'demo-reviewer-1');
    expect((await reviewer.get('/api/admin/staff')).statusCode).toBe(403);
    expect((await reviewer.post('/api/admin/staff', { email: 'x@example.com', role: 'admin' })).statusCode).toBe(403);

    const admin = new Client(t.app);
    await admin.signIn('admin@example.com', 'demo-admin-1');
    const added = await admin.post('/api/admin/staff', { email: 'helper@example.com', role: 'reviewer' });
    expect(added.statusCode).toBe(201);
    expect(added.json().link).toMatch(/^http:\/\/adieu\.test\/reset-password#token=/);
    expect((await admin.post('/api/admin/staff', { email: 'nope', role: 'reviewer' })).statusCode).toBe(422);
    expect((await admin.post('/api/admin/staff', { email: 'a@example.com', role: 'owner' })).statusCode).toBe(422);
    const emails = (await admin.get('/api/admin/staff')).json().items.map((m: { email: string }) => m.email);
    expect(emails).toEqual(['reviewer@example.com', 'admin@example.com', 'helper@example.com']);

    const me = (await admin.get('/api/admin/staff')).json().items.find((m: { email: string }) => m.email === 'admin@example.com');
    expect((await admin.delete(`/api/admin/staff/${me.userId}`)).statusCode).toBe(422);
    expect((await admin.delete(`/api/admin/staff/${added.json().userId}`)).statusCode).toBe(204);
    expect((await admin.delete(`/api/admin/staff/${added.json().userId}`)).statusCode).toBe(404);
    // Audited under the admin's pseudonymous subject id.
    const { rows } = (await t.ctx.database.executeSql(
      `SELECT DISTINCT a.actor FROM audit_log a JOIN users u ON u.subject_id = a.actor WHERE a.action LIKE 'staff.%' AND u.id = '${me.userId}'`,
    )) as { rows: unknown[] };
    const { rows: all } = (await t.ctx.database.executeSql("SELECT action FROM audit_log WHERE action LIKE 'staff.%' ORDER BY seq")) as { rows: Array<{ action: string }> };
    expect(rows).toHaveLength(1);
    expect(all.map((r) => r.action)).toEqual(['staff.added', 'staff.removed']);
  });

  it('refuses a malformed email, and a buyer’s address (a set-password link would hand the account over)', async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
    await expect(addStaff(t.ctx, { email: 'not an email', role: 'admin', actor: 'cli' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(addStaff(t.ctx, { email: 'ada@example.com', role: 'admin', actor: 'cli' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await listStaff(t.ctx)).map((m) => m.email)).toEqual(['reviewer@example.com', 'admin@example.com']);
  });

  it('sends text messages to the configured gateway, signed, in the buyer’s language; a failing gateway retries', async () => {
    const answers: number[] = [];
    gateway = await startGateway(() => answers.shift() ?? 202);
    t = await createTestApp(kind, { sms: { provider: 'http', url: gateway.url, secret: GATEWAY_SECRET, previousSecret: PREVIOUS_SECRET } });
    await seedDemo(t.ctx);

    const forgot = async () => {
      expect((await new Client(t!.app).post('/api/auth/password/forgot', { identifier: '+8613800000001' })).statusCode).toBe(202);
      await t!.ctx.jobs.runDue();
    };
    await forgot();
    expect(gateway.received).toHaveLength(1);
    const [english] = gateway.received;
    // The gateway checks it with the official library and its defaults, under either secret of a rotation.
    const headers = english.headers as Record<string, string>;
    expect(headers['user-agent']).toMatch(/^Adieu\/\d+\.\d+\.\d+/);
    expect(new Webhook(GATEWAY_SECRET).verify(english.body, headers)).toMatchObject({ to: '+8613800000001' });
    expect(new Webhook(PREVIOUS_SECRET).verify(english.body, headers)).toMatchObject({ to: '+8613800000001' });
    expect(() => new Webhook(generateSecret()).verify(english.body, headers)).toThrow();
    const message = JSON.parse(english.body);
    expect(message).toMatchObject({ to: '+8613800000001', locale: 'en', template: 'password_reset_sms' });
    const code = /\b([A-Z2-9]{8})\b/.exec(message.text)![1];
    // Nothing went to the dev mailbox.
    expect((await t.app.inject({ method: 'GET', url: '/api/dev/mailbox?to=%2B8613800000001' })).json()).toEqual([]);
    expect((await new Client(t.app).post('/api/auth/password/reset', { token: code, password: PASSWORD })).statusCode).toBe(200);

    // Its language is Chinese now; the gateway is down once: the job is retried, same message.
    await t.ctx.database.executeSql("UPDATE users SET locale = 'zh-CN' WHERE phone_index IS NOT NULL");
    await t.ctx.jobs.runDue(); // the "password changed" notice (by email)
    gateway.received.length = 0;
    answers.push(503);
    expect((await new Client(t.app).post('/api/auth/password/forgot', { identifier: '+8613800000001' })).statusCode).toBe(202);
    const counts = await t.ctx.jobs.runDue();
    expect(counts.notify).toEqual({ completed: 1, failed: 1 });
    expect(gateway.received).toHaveLength(2);
    const [failed, delivered] = gateway.received.map((r) => JSON.parse(r.body));
    expect(delivered).toEqual(failed);
    expect(delivered).toMatchObject({ locale: 'zh-CN', template: 'password_reset_sms' });
    expect(delivered.text).toMatch(/[\u4e00-\u9fff]/u);
  });
});
