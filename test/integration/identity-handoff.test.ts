import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { count, eq } from 'drizzle-orm';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { sessions } from '../../src/accounts/accounts.tables.ts';
import { externalIdentities } from '../../src/identity/identity.tables.ts';
import { erasureQuarantine, erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { beginErasure, drainJobs, giveBuyerEverything } from './erasure-fixtures.ts';

const ISSUER = 'https://platform.example';
const AUDIENCE = 'adieu';

/** The platform: an ES256 key pair whose public half is served as a JWKS over loopback HTTP. */
let server: Server;
let jwksUrl: string;
let platformKey: CryptoKey;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  platformKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'platform-1', alg: 'ES256', use: 'sig' };
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let jtiSeq = 0;
/** What the platform's backend does (see examples/handoff-platform.ts). */
function handoffToken(claims: JWTPayload = {}, options: { expiresIn?: string; key?: CryptoKey; alg?: string; issuer?: string; audience?: string; subject?: string } = {}): Promise<string> {
  return new SignJWT({ email: 'pat@example.com', name: 'Pat Platform', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: 'platform-1' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject(options.subject ?? 'buyer-42')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '2 minutes')
    .setJti(`jti-${++jtiSeq}-${Date.now()}`)
    .sign(options.key ?? platformKey);
}

const handoff = (client: Client, token: string) => client.post('/api/auth/handoff', { token });

describe.each(DATABASE_KINDS)('signed handoff (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind, { identity: { local: true, handoff: { issuer: ISSUER, audience: AUDIENCE, jwksUrl } }, erasure: { quarantineDays: 30 } });
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  const sessionCount = async () => (await t.ctx.db.select({ n: count() }).from(sessions))[0].n;

  it('signs the platform buyer in, creating them once, and names the method in the session', async () => {
    const client = new Client(t.app);
    const first = await handoff(client, await handoffToken());
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ user: { displayName: 'Pat Platform', roles: ['buyer'] }, csrfToken: expect.any(String) });
    const session = (await client.get('/api/auth/session')).json();
    expect(session.methods).toEqual(['password', 'handoff']);
    expect(session.reauthenticatedUntil).toBeNull();
    const again = await handoff(new Client(t.app), await handoffToken());
    expect(again.json().user.id).toBe(first.json().user.id);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const paths = Object.keys((await t.app.inject({ url: '/api/openapi.json' })).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/auth/handoff', '/api/auth/link']));
  });

  it('accepts what the platform example in examples/handoff signs', async () => {
    const jwk = { ...(await exportJWK(platformKey)), kid: 'platform-1', alg: 'ES256' };
    Object.assign(process.env, { ADIEU_URL: 'http://adieu.test', HANDOFF_ISSUER: ISSUER, HANDOFF_AUDIENCE: AUDIENCE, HANDOFF_PRIVATE_JWK: JSON.stringify(jwk) });
    const example = '../../examples/handoff/platform.mjs';
    const { handoffUrl } = (await import(example)) as { handoffUrl: (buyer: object, options: object) => Promise<string> };
    const url = new URL(await handoffUrl({ id: 'buyer-7', email: 'kim@example.com', name: 'Kim' }, { justSignedIn: true }));
    expect(url.pathname).toBe('/handoff');
    const client = new Client(t.app);
    const response = await handoff(client, url.hash.slice('#token='.length));
    expect(response.statusCode).toBe(200);
    expect(response.json().user.displayName).toBe('Kim');
    expect((await client.get('/api/auth/session')).json().reauthenticatedUntil).toEqual(expect.any(String));
  });

  it('stores only identifiers the platform says are verified', async () => {
    const client = new Client(t.app);
    await handoff(client, await handoffToken({ email: 'unproven@example.com', email_verified: false, phone_number: '+8613800000077' }, { subject: 'buyer-unverified' }));
    expect((await client.get('/api/account')).json()).toMatchObject({ email: null, phone: '+86 138****0077' });
    // The address stays free for whoever proves it.
    const signup = await new Client(t.app).post('/api/auth/signup', { email: 'unproven@example.com', password: 'a long enough passphrase', displayName: 'Owner' });
    expect(signup.statusCode).toBe(201);
  });

  it('makes the session a step-up when auth_time is fresh', async () => {
    const client = new Client(t.app);
    await handoff(client, await handoffToken({ auth_time: Math.floor(Date.now() / 1000) - 5 }));
    expect((await client.get('/api/auth/session')).json().reauthenticatedUntil).toEqual(expect.any(String));
    const stale = new Client(t.app);
    await handoff(stale, await handoffToken({ auth_time: Math.floor(Date.now() / 1000) - 600 }));
    expect((await stale.get('/api/auth/session')).json().reauthenticatedUntil).toBeNull();
  });

  it('refuses a replayed jti, an exp an hour ahead, a foreign key, HS256, a wrong audience or issuer; no session', async () => {
    const token = await handoffToken();
    expect((await handoff(new Client(t.app), token)).statusCode).toBe(200);
    const other = await generateKeyPair('ES256');
    const refused = [
      token, // replayed
      await handoffToken({}, { expiresIn: '1 hour' }),
      await handoffToken({}, { key: other.privateKey }),
      await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('buyer-42').setExpirationTime('2m').setJti('hs').sign(new TextEncoder().encode('0123456789abcdef0123456789abcdef')),
      await handoffToken({}, { audience: 'someone-else' }),
      await handoffToken({}, { issuer: 'https://evil.example' }),
      await handoffToken({}, { expiresIn: '-1 minute' }),
      'not.a.token',
    ];
    for (const bad of refused) {
      const response = await handoff(new Client(t.app), bad);
      expect(response.statusCode, bad.slice(0, 30)).toBe(401);
      expect(response.json().error.code).toBe('HANDOFF_INVALID');
    }
    expect(await sessionCount()).toBe(1);
  });

  it('asks for the local password before linking a local account with the same email', async () => {
    const client = new Client(t.app);
    const response = await handoff(client, await handoffToken({ email: 'ben@example.com' }));
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('LINK_REQUIRED');
    expect(await sessionCount()).toBe(0);
    const cookie = response.cookies.find((c) => c.name === 'adieu_link')!;
    const linked = await t.app.inject({ method: 'POST', url: '/api/auth/link', headers: { cookie: `adieu_link=${cookie.value}` }, payload: { password: DEMO_PASSWORD } });
    expect(linked.statusCode).toBe(200);
    expect((await handoff(new Client(t.app), await handoffToken({ email: 'ben@example.com' }))).statusCode).toBe(200);
  });

  it('erases the link with the buyer: quarantine keeps a keyed hash, the certificate says it was unlinked', async () => {
    const signedIn = await handoff(new Client(t.app), await handoffToken());
    const userId = signedIn.json().user.id;
    const { applicationId } = await giveBuyerEverything(t.ctx, userId, 'tag-handoff');
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('completed');
    expect(await t.ctx.db.select().from(externalIdentities)).toEqual([]);
    const quarantined = await t.ctx.db.select().from(erasureQuarantine);
    expect(JSON.stringify(quarantined)).not.toContain('buyer-42');
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    expect(certificate.payload.externalIdentities).toEqual({ unlinked: 1, externalIdHash: expect.stringMatching(/^hmac-sha256:/) });
    expect(JSON.stringify(certificate)).not.toContain('buyer-42');
    // The same platform account cannot open a new account here during the quarantine.
    const again = await handoff(new Client(t.app), await handoffToken());
    expect(again.json().error.code).toBe('IDENTITY_QUARANTINED');
    // Another platform account asserting the erased email gets an account without it.
    const other = new Client(t.app);
    expect((await handoff(other, await handoffToken({ sub: 'buyer-43' }, { subject: 'buyer-43' }))).statusCode).toBe(200);
    expect((await other.get('/api/account')).json().email).toBeNull();
  });
});

describe('without local accounts', () => {
  it('offers only the platform, refuses buyer sign-up and buyer passwords, keeps staff passwords', async () => {
    const t = await createTestApp('embedded', { identity: { local: false, handoff: { issuer: ISSUER, audience: AUDIENCE, jwksUrl } } });
    try {
      await seedDemo(t.ctx);
      const client = new Client(t.app);
      expect((await client.get('/api/auth/session')).json()).toMatchObject({ user: null, methods: ['handoff'] });
      const signup = await client.post('/api/auth/signup', { email: 'new@example.com', password: 'a long enough passphrase', displayName: 'New' });
      expect(signup.statusCode).toBe(404);
      expect(signup.json().error.code).toBe('LOCAL_ACCOUNTS_DISABLED');
      expect((await client.post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD })).statusCode).toBe(401);
      expect((await client.post('/api/auth/login', { identifier: 'reviewer@example.com', password: 'demo-reviewer-1' })).statusCode).toBe(200);
      // No reset mail for a buyer either (it would create a password that signs nobody in).
      expect((await new Client(t.app).post('/api/auth/password/forgot', { identifier: 'ada@example.com' })).statusCode).toBe(202);
      expect((await new Client(t.app).post('/api/auth/password/forgot', { identifier: 'reviewer@example.com' })).statusCode).toBe(202);
      await t.ctx.jobs.runDue(50);
      const mailbox = (await t.app.inject({ url: '/api/dev/mailbox' })).json() as Array<{ to: string }>;
      expect(mailbox.map((m) => m.to)).toEqual(['reviewer@example.com']);
      expect((await handoff(new Client(t.app), await handoffToken({ email: 'lee@example.com' }))).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
