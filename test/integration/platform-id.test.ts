import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Webhook } from 'standardwebhooks';
import { eq, sql } from 'drizzle-orm';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { generateSecret } from '../../src/webhooks/standard-webhooks.ts';
import { externalIdentities } from '../../src/identity/identity.tables.ts';
import { platformLoyaltyMembers } from '../../src/shop/platform.tables.ts';
import { erasureQuarantine, erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { stepsOf } from '../../src/erasure/run-state.ts';
import { beginErasure, drainJobs, findAnywhere, giveBuyerEverything } from './erasure-fixtures.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { checkDataMapCoverage } from '../../src/erasure/datamap-check.ts';
import { queryRows } from '../../src/db/sql.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';

/**
 * The platform's buyer id (`externalId`) end to end: the platform hands buyers over with its own
 * `sub`, an admin names a local buyer by the platform's id, the platform's eligibility service and
 * erasure receiver look buyers up by that id only, and an erasure reaches a platform table keyed by
 * it — after which no trace of the link is left.
 */
const ISSUER = 'https://platform.example';
const AUDIENCE = 'adieu';
const SECRET = generateSecret();

let jwks: Server;
let jwksUrl: string;
let platformKey: CryptoKey;

interface PlatformState {
  /** The platform's own orders still open, by its buyer id. */
  openOrders: Map<string, number>;
  /** The platform's CRM records, by its buyer id. */
  crm: Map<string, { note: string }>;
  eligibilityBodies: Array<Record<string, unknown>>;
  erasureBodies: Array<{ data: Record<string, unknown> }>;
  /** Set by each test: confirms a request to Adieu, as the receiver's own backend would. */
  confirm: ((messageId: string) => Promise<number>) | null;
}

const platform: PlatformState = { openOrders: new Map(), crm: new Map(), eligibilityBodies: [], erasureBodies: [], confirm: null };

function verified(request: IncomingMessage, body: string): boolean {
  try {
    new Webhook(SECRET).verify(body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** The platform's services: an eligibility check and an erasure receiver, both keyed by its own id. */
function platformServices(): Server {
  return createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (!verified(request, body)) return response.writeHead(401).end();
    const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    const parsed = JSON.parse(body);
    if (request.url === '/eligibility') {
      platform.eligibilityBodies.push(parsed);
      const open = typeof parsed.externalId === 'string' ? (platform.openOrders.get(parsed.externalId) ?? 0) : 0;
      const blockers = open > 0 ? [{ code: 'PLATFORM_ORDERS_OPEN', title: 'Orders still open', detail: `${open} orders are still open.`, count: open, resolveHint: 'Wait until they are delivered.' }] : [];
      return json(200, { blockers, warnings: [] });
    }
    if (request.url === '/erasure') {
      platform.erasureBodies.push(parsed);
      // The receiver acts on its own key, then confirms.
      platform.crm.delete(String(parsed.data.externalId));
      const status = await platform.confirm!(String(parsed.data.messageId));
      return json(status === 200 ? 200 : 500, {});
    }
    return response.writeHead(404).end();
  });
}

let services: Server;
let servicesUrl: string;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  platformKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'platform-1', alg: 'ES256', use: 'sig' };
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  services = platformServices();
  await new Promise<void>((resolve) => services.listen(0, '127.0.0.1', resolve));
  servicesUrl = `http://127.0.0.1:${(services.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => jwks.close(() => resolve()));
  await new Promise<void>((resolve) => services.close(() => resolve()));
});

function handoffToken(sub: string, email: string): Promise<string> {
  return new SignJWT({ email, email_verified: true, name: 'Pat Platform' })
    .setProtectedHeader({ alg: 'ES256', kid: 'platform-1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('2 minutes')
    .setJti(`jti-${randomUUID()}`)
    .sign(platformKey);
}

function signedConfirmation(messageId: string) {
  const id = `cb_${randomUUID()}`;
  const body = JSON.stringify({ type: 'erasure.confirmed', data: { messageId, outcome: 'erased' } });
  const signature = new Webhook(SECRET).sign(id, new Date(), body);
  return {
    method: 'POST' as const,
    url: '/api/erasure/confirmations',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signature },
    payload: body,
  };
}

describe.each(DATABASE_KINDS)("the platform's buyer id (%s)", (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    platform.openOrders.clear();
    platform.crm.clear();
    platform.eligibilityBodies.length = 0;
    platform.erasureBodies.length = 0;
    t = await createTestApp(kind, {
      identity: { local: true, handoff: { issuer: ISSUER, audience: AUDIENCE, jwksUrl } },
      erasure: { quarantineDays: 30 },
      eligibility: { providers: [{ name: 'platform-orders', url: `${servicesUrl}/eligibility`, secret: SECRET, timeoutMs: 5000 }] },
      webhooks: [{ name: 'platform-crm', url: `${servicesUrl}/erasure`, secret: SECRET }],
    });
    platform.confirm = async (messageId) => (await t.app.inject(signedConfirmation(messageId))).statusCode;
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  it('asks the eligibility service with the externalId from the handoff, which finds the buyer by it', async () => {
    const sub = 'plat-7f3a9c21';
    platform.openOrders.set(sub, 2);
    const client = new Client(t.app);
    expect((await client.post('/api/auth/handoff', { token: await handoffToken(sub, 'pat@example.com') })).statusCode).toBe(200);
    const report = (await client.get('/api/cancellation/eligibility')).json();
    expect(report.eligible).toBe(false);
    expect(report.blockers).toEqual([expect.objectContaining({ code: 'PLATFORM_ORDERS_OPEN', count: 2 })]);
    expect(platform.eligibilityBodies).toEqual([{ subjectId: expect.stringMatching(/.+/), externalId: sub, locale: 'en' }]);
    // The id is kept only sealed and blind-indexed: never in clear in Adieu's database.
    const [link] = await t.ctx.db.select().from(externalIdentities);
    expect(JSON.stringify(link)).not.toContain(sub);
    expect(link.externalIdEnc).toEqual(expect.any(String));
  });

  it('lets an admin name a local buyer by the platform id; the id is unique per issuer', async () => {
    const admin = new Client(t.app);
    await admin.signIn('admin@example.com', 'demo-admin-1');
    const link = (identifier: string, externalId: string) => admin.post('/api/admin/external-ids', { identifier, externalId });
    const first = await link('ada@example.com', 'plat-ada-5521');
    expect(first.statusCode).toBe(201);
    expect((await link('ada@example.com', 'plat-ada-5521')).statusCode).toBe(200);
    expect((await link('ben@example.com', 'plat-ada-5521')).json().error.code).toBe('EXTERNAL_ID_TAKEN');
    expect((await link('ada@example.com', 'plat-ada-other')).json().error.code).toBe('EXTERNAL_ID_TAKEN');
    expect((await link('nobody@example.com', 'plat-x')).json().error.code).toBe('ACCOUNT_NOT_FOUND');
    expect((await link('ada@example.com', 'has space')).statusCode).toBe(422);
    const buyer = new Client(t.app);
    await buyer.signIn('ada@example.com', DEMO_PASSWORD);
    expect((await buyer.post('/api/admin/external-ids', { identifier: 'ben@example.com', externalId: 'plat-ben-1' })).statusCode).toBe(403);

    platform.openOrders.set('plat-ada-5521', 1);
    const report = (await buyer.get('/api/cancellation/eligibility')).json();
    expect(report.blockers.map((b: { code: string }) => b.code)).toEqual(['PLATFORM_ORDERS_OPEN']);
    expect(platform.eligibilityBodies.at(-1)).toMatchObject({ externalId: 'plat-ada-5521' });
    // The same platform account signing in later lands in the same buyer.
    const handedOver = await new Client(t.app).post('/api/auth/handoff', { token: await handoffToken('plat-ada-5521', 'ada@example.com') });
    expect(handedOver.json().user.id).toBe(first.json().userId);
  });

  it('erases a platform table keyed by external_id, tells the receiver the externalId, and leaves no trace of the link', async () => {
    const sub = 'plat-b81d0e55';
    const signedIn = await new Client(t.app).post('/api/auth/handoff', { token: await handoffToken(sub, 'pia@example.com') });
    const userId = signedIn.json().user.id;
    await t.ctx.db.insert(platformLoyaltyMembers).values({ externalId: sub, nickname: 'Pia loyal', tier: 'gold', points: 10, joinedAt: new Date() });
    platform.crm.set(sub, { note: 'vip' });
    platform.crm.set('plat-someone-else', { note: 'other' });

    const { applicationId } = await giveBuyerEverything(t.ctx, userId, 'tag-platform');
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx, 12);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.failureReason).toBeNull();
    expect(run.state).toBe('completed');

    // The platform table keyed by external_id: the buyer's row went, the demo buyers' stayed.
    const members = await t.ctx.db.select({ id: platformLoyaltyMembers.externalId }).from(platformLoyaltyMembers);
    expect(members.map((m) => m.id).sort()).toEqual(['ada', 'ben', 'cai']);
    const steps = await stepsOf(t.ctx.db, runId);
    expect(steps.find((s) => s.spec.kind === 'sql' && s.spec.table === 'platform.loyalty_members')?.rows).toBe(1);
    // The receiver was told the externalId (signed) and acted on it.
    expect(platform.erasureBodies).toHaveLength(1);
    expect(platform.erasureBodies[0].data).toMatchObject({ externalId: sub, subject: run.subjectId });
    expect([...platform.crm.keys()]).toEqual(['plat-someone-else']);
    // The link goes last: after every store and the receivers, before the scan.
    const kinds = steps.map((s) => s.spec.kind);
    expect(kinds.indexOf('unlink')).toBeGreaterThan(kinds.indexOf('await_downstream'));
    expect(kinds.indexOf('unlink')).toBeLessThan(kinds.indexOf('verify'));
    expect(steps.find((s) => s.spec.kind === 'unlink')?.rows).toBe(1);
    expect(await t.ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, userId))).toEqual([]);
    // The scan looked for the id, and found it nowhere.
    expect(steps.find((s) => s.spec.kind === 'verify')?.result).toMatchObject({ hits: 0, needles: expect.objectContaining({ external_id: 1 }) });

    // The certificate names it only as a keyed hash; the quarantine keeps only a keyed hash.
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    expect(certificate.payload.externalIdentities).toEqual({ unlinked: 1, externalIdHash: expect.stringMatching(/^hmac-sha256:[A-Za-z0-9_-]{43}$/) });
    expect(JSON.stringify(certificate)).not.toContain(sub);
    expect(JSON.stringify(await t.ctx.db.select().from(erasureQuarantine))).not.toContain(sub);
    expect(await findAnywhere(t.ctx, t.dataDir, [sub])).toEqual([]);
    // The same platform account cannot come straight back.
    const again = await new Client(t.app).post('/api/auth/handoff', { token: await handoffToken(sub, 'pia@example.com') });
    expect(again.json().error.code).toBe('IDENTITY_QUARANTINED');
  });
});

describe.each(DATABASE_KINDS)('a legacy platform table keyed by email (%s)', (kind) => {
  let t: TestApp;
  let mapDir: string;
  beforeEach(async () => {
    mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    writeFileSync(
      join(mapDir, 'newsletter.yaml'),
      [
        'store: newsletter',
        'database: adieu',
        'vacuum: false',
        'tables:',
        '  platform.newsletter:',
        '    rows: delete',
        '    reach: { column: address, identity: email }',
        '    columns:',
        '      address: { action: delete_row, category: user.contact.email }',
        '      topic: non_personal',
        '',
      ].join('\n'),
    );
    t = await createTestApp(kind, { erasure: { datamapDir: mapDir } });
    await seedDemo(t.ctx);
    await t.ctx.db.execute(sql`CREATE TABLE platform.newsletter (address text NOT NULL, topic text NOT NULL)`);
    await t.ctx.db.execute(sql`INSERT INTO platform.newsletter VALUES ('ada@example.com', 'deals'), ('ben@example.com', 'deals')`);
  });
  afterEach(async () => {
    await t.close();
    rmSync(mapDir, { recursive: true, force: true });
  });

  it('datamap check warns about the reach by email without failing, and the erasure still reaches the row', async () => {
    const adieu = (await checkDataMapCoverage(t.ctx)).find((e) => e.database === 'adieu')!;
    expect(adieu).toMatchObject({ unmapped: [], stale: [] });
    expect(adieu.warnings).toEqual([expect.stringMatching(/^newsletter: platform\.newsletter is reached by email \(address\): a last resort/)]);

    const ada = await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' });
    const { applicationId } = await giveBuyerEverything(t.ctx, ada!.id, 'tag-newsletter');
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx, 12);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.failureReason).toBeNull();
    expect(run.state).toBe('completed');
    const left = await queryRows<{ address: string }>(t.ctx.db, sql`SELECT address FROM platform.newsletter ORDER BY 1`);
    expect(left.map((r) => r.address)).toEqual(['ben@example.com']);
  });
});
