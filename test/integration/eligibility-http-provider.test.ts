import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { Webhook } from 'standardwebhooks';
import { generateSecret } from '../../src/webhooks/standard-webhooks.ts';
import { VERSION } from '../../src/version.ts';
import type { EligibilityReport } from '../../src/eligibility/check-eligibility.ts';

const SECRET = generateSecret();

interface Received {
  path: string;
  body: string;
  signatureValid: boolean;
  userAgent: string | undefined;
}

/** The platform's check, with the official `standardwebhooks` library and its defaults. */
function verified(request: IncomingMessage, body: string): boolean {
  try {
    new Webhook(SECRET).verify(body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/**
 * A platform's own service, for real: it checks the Standard Webhooks signature with its secret
 * (401 when wrong) and answers according to the path.
 */
function platformService(received: Received[]): Server {
  return createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const signatureValid = verified(request, body);
    received.push({ path: request.url ?? '', body, signatureValid, userAgent: request.headers['user-agent'] });
    if (!signatureValid) {
      response.writeHead(401).end('{"error":"bad signature"}');
      return;
    }
    const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    switch (request.url) {
      case '/blocker':
        return json(200, {
          blockers: [{ code: 'UNPAID_INSTALMENTS', title: 'Instalments still due', detail: '2 instalments of a pay-later plan are still due.', count: 2, resolveHint: 'Pay the remaining instalments.', link: '/account/pay-later' }],
          warnings: [{ code: 'MEMBERSHIP_CREDIT', title: 'Membership credit will lapse', detail: 'Credit ends with the account.', resolveHint: 'Use it first.' }],
        });
      case '/clear':
        return json(200, { blockers: [], warnings: [] });
      case '/slow':
        setTimeout(() => json(200, { blockers: [], warnings: [] }), 2000);
        return;
      case '/fail':
        return json(503, { error: 'maintenance' });
      case '/shape':
        return json(200, { ok: true });
      case '/offsite-link':
        return json(200, { blockers: [{ code: 'X_Y', title: 't', detail: 'd', resolveHint: 'r', link: 'https://evil.example/phish' }], warnings: [] });
      default:
        return response.writeHead(200, { 'content-type': 'text/html' }).end('<html>not json</html>');
    }
  });
}

describe.each(DATABASE_KINDS)('eligibility over HTTP providers (%s)', (kind) => {
  const received: Received[] = [];
  let server: Server;
  let base: string;
  let t: TestApp | null = null;

  beforeAll(async () => {
    server = platformService(received);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(async () => {
    received.length = 0;
    await t?.close();
    t = null;
  });

  async function adaReport(providers: { name: string; path: string; secret?: string; timeoutMs?: number }[]): Promise<{ report: EligibilityReport; subjectId: string }> {
    t = await createTestApp(kind, {
      eligibility: { providers: providers.map((p) => ({ name: p.name, url: `${base}${p.path}`, secret: p.secret ?? SECRET, timeoutMs: p.timeoutMs ?? 3000 })) },
    });
    await seedDemo(t.ctx);
    const client = new Client(t.app);
    const login = await client.signIn('ada@example.com', DEMO_PASSWORD);
    const { users } = await import('../../src/accounts/accounts.tables.ts');
    const { eq } = await import('drizzle-orm');
    const [user] = await t.ctx.db.select({ subjectId: users.subjectId }).from(users).where(eq(users.id, login.json().user.id));
    const response = await client.get('/api/cancellation/eligibility');
    expect(response.statusCode).toBe(200);
    return { report: response.json(), subjectId: user.subjectId };
  }

  it('adds the blockers and warnings a platform service reports, asked with a signed, pseudonymous request', async () => {
    const { report, subjectId } = await adaReport([{ name: 'pay-later', path: '/blocker' }]);
    expect(report.eligible).toBe(false);
    expect(report.blockers).toEqual([
      { code: 'UNPAID_INSTALMENTS', title: 'Instalments still due', detail: '2 instalments of a pay-later plan are still due.', count: 2, resolveHint: 'Pay the remaining instalments.', link: '/account/pay-later' },
    ]);
    expect(report.warnings.map((w) => w.code)).toEqual(['UNUSED_COUPONS', 'POINTS_FORFEITED', 'MEMBERSHIP_CREDIT']);
    expect(received).toHaveLength(1);
    expect(received[0].signatureValid).toBe(true);
    expect(received[0].userAgent).toBe(`Adieu/${VERSION}`);
    expect(JSON.parse(received[0].body)).toEqual({ subjectId, locale: 'en' });
    // Only the pseudonymous id leaves Adieu: no user id, no email.
    expect(received[0].body).not.toMatch(/usr_|@example\.com/);
  });

  it('stays eligible when every service reports nothing open', async () => {
    const { report } = await adaReport([
      { name: 'logistics', path: '/clear' },
      { name: 'finance', path: '/clear' },
    ]);
    expect(report.eligible).toBe(true);
    expect(received).toHaveLength(2);
  });

  it('turns a timeout into CHECK_UNAVAILABLE, never into eligible', async () => {
    const { report } = await adaReport([{ name: 'logistics', path: '/slow', timeoutMs: 200 }]);
    expect(report.eligible).toBe(false);
    expect(report.blockers).toEqual([expect.objectContaining({ code: 'CHECK_UNAVAILABLE', title: 'A check could not be completed' })]);
    expect(report.blockers[0].detail).toContain('“logistics”');
    expect(report.blockers[0].resolveHint).toMatch(/try again/i);
  });

  it('turns a 5xx, a non-JSON answer, a wrong shape and an off-site link into CHECK_UNAVAILABLE', async () => {
    const { report } = await adaReport([
      { name: 'down', path: '/fail' },
      { name: 'html', path: '/html' },
      { name: 'shape', path: '/shape' },
      { name: 'phish', path: '/offsite-link' },
    ]);
    expect(report.eligible).toBe(false);
    expect(report.blockers.map((b) => b.code)).toEqual(['CHECK_UNAVAILABLE', 'CHECK_UNAVAILABLE', 'CHECK_UNAVAILABLE', 'CHECK_UNAVAILABLE']);
    expect(report.blockers.map((b) => b.detail.match(/“(\w+)”/)![1])).toEqual(['down', 'html', 'shape', 'phish']);
  });

  it('is unavailable when the shared secret is configured wrong (the service refuses the signature)', async () => {
    const { report } = await adaReport([{ name: 'logistics', path: '/clear', secret: generateSecret() }]);
    expect(received[0].signatureValid).toBe(false);
    expect(report.eligible).toBe(false);
    expect(report.blockers.map((b) => b.code)).toEqual(['CHECK_UNAVAILABLE']);
  });

  it('is unavailable when nothing listens at the configured address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    t = await createTestApp(kind, { eligibility: { providers: [{ name: 'gone', url: `http://127.0.0.1:${port}/check`, secret: SECRET, timeoutMs: 1000 }] } });
    await seedDemo(t.ctx);
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    const report: EligibilityReport = (await client.get('/api/cancellation/eligibility')).json();
    expect(report.eligible).toBe(false);
    expect(report.blockers.map((b) => b.code)).toEqual(['CHECK_UNAVAILABLE']);
  });
});
