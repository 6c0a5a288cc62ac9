import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { base64url, decodeJwt, exportSPKI, importJWK, SignJWT, type JWTPayload } from 'jose';
import { count, eq } from 'drizzle-orm';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { advance, claim, decide, runJobs, statusOf, submission, uploadDocument } from './cancellation-fixtures.ts';
import { erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { Browser, type Page } from '../helpers/oidc-browser.ts';
import { startDemoIdp, type DemoIdp } from '../../src/identity/demo-idp.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { sessions, users } from '../../src/accounts/accounts.tables.ts';
import { externalIdentities } from '../../src/identity/identity.tables.ts';
import { buildApp } from '../../src/app/build-app.ts';
import { closeContext, createContext } from '../../src/app/create-context.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const ADIEU = 'http://adieu.test';
const isCallback = (url: URL) => url.pathname === '/api/auth/oidc/callback';

let idp: DemoIdp;
/** The app of the running test, and a loopback server that hands it what the provider posts. */
let current: TestApp | null = null;
let relay: Server;
let posted: number[] = [];
/** When set, the provider's token endpoint answers with this ID token instead of its own. */
let forge: ((claims: JWTPayload) => Promise<string>) | null = null;
/** When set, the provider's JWKS also publishes this key (a key rotation). */
let extraPublicJwk: object | null = null;

beforeAll(async () => {
  relay = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const answer = await current!.app.inject({ method: request.method as 'POST', url: request.url!, headers: { 'content-type': request.headers['content-type'] ?? '' }, payload: body });
    posted.push(answer.statusCode);
    response.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  idp = await startDemoIdp({
    adieuUrl: ADIEU,
    backchannelLogoutUri: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/api/auth/oidc/backchannel-logout`,
    clientSecret: 'a-test-client-secret',
    accounts: {
      'platform-1': { email: 'zoe@example.com', email_verified: true, name: 'Zoe Platform', phone_number: '+8613800000099', phone_number_verified: true },
      'platform-2': { email: 'yan@example.com', email_verified: true, name: 'Yan' },
      'platform-ada': { email: 'ada@example.com', email_verified: true, name: 'Ada From Platform' },
    },
  });
  idp.provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/jwks' && extraPublicJwk) ctx.body = { keys: [...(ctx.body as { keys: object[] }).keys, extraPublicJwk] };
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && forge && body?.id_token) ctx.body = { ...body, id_token: await forge(decodeJwt(body.id_token)) };
  });
});
afterAll(async () => {
  await idp.close();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

/** Signs an ID token with the provider's own key (what a forger holding a leaked key could do, or a different key). */
async function signed(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const key = await importJWK(idp.signingJwk, 'RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: idp.signingJwk.kid, ...header }).sign(key);
}

describe.each(DATABASE_KINDS)('OpenID Connect sign-in (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind, { identity: { oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: 'a-test-client-secret', label: 'Platform' } } });
    await seedDemo(t.ctx);
    current = t;
    posted = [];
  });
  afterEach(async () => {
    forge = null;
    extraPublicJwk = null;
    current = null;
    await t.close();
  });

  const sessionCount = async () => (await t.ctx.db.select({ n: count() }).from(sessions))[0].n;

  /** Start → provider forms → (optionally stop before the callback). */
  async function signInThroughProvider(browser: Browser, login: string, returnTo = '/cancel', stopAtCallback = false): Promise<Page> {
    const start = await browser.go(`${ADIEU}/api/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`);
    expect(start.status).toBe(200);
    return browser.completeProviderForms(start, login, stopAtCallback ? { stopAt: isCallback } : {});
  }

  it('creates the buyer on first sign-in, reuses it on the second, with identifiers encrypted', async () => {
    const paths = Object.keys((await t.app.inject({ url: '/api/openapi.json' })).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/auth/oidc/start', '/api/auth/oidc/callback', '/api/auth/oidc/backchannel-logout']));
    const browser = new Browser(t.app);
    const landed = await signInThroughProvider(browser, 'platform-1');
    expect(landed.location).toBe(`${ADIEU}/cancel`);
    const session = await browser.go(`${ADIEU}/api/auth/session`);
    const body = JSON.parse(session.body);
    expect(body.user).toMatchObject({ displayName: 'Zoe Platform', roles: ['buyer'], hasPassword: false });
    expect(body.methods).toEqual(['password', 'oidc']);
    const account = JSON.parse((await browser.go(`${ADIEU}/api/account`)).body);
    expect(account).toMatchObject({ email: 'zo***@example.com', phone: '+86 138****0099' });
    const [row] = await t.ctx.db.select().from(users).where(eq(users.id, body.user.id));
    expect(JSON.stringify(row)).not.toContain('zoe@example.com');
    expect(row.passwordHash).toBeNull();

    const again = new Browser(t.app);
    await signInThroughProvider(again, 'platform-1');
    const second = JSON.parse((await again.go(`${ADIEU}/api/auth/session`)).body);
    expect(second.user.id).toBe(body.user.id);
    expect((await t.ctx.db.select({ n: count() }).from(externalIdentities))[0].n).toBe(1);
  });

  it('does not merge a local account silently: linking needs its password once', async () => {
    const browser = new Browser(t.app);
    const landed = await signInThroughProvider(browser, 'platform-ada', '/account');
    expect(landed.location).toBe(`${ADIEU}/link-account?returnTo=%2Faccount`);
    expect(await sessionCount()).toBe(0);
    const pending = JSON.parse((await browser.go(`${ADIEU}/api/auth/link`)).body);
    expect(pending).toEqual({ email: 'ad***@example.com', returnTo: '/account' });

    const link = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/link', headers: { cookie: browser.cookieHeader(ADIEU) }, payload: { password } });
    const wrong = await link('not the password');
    expect(wrong.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await sessionCount()).toBe(0);
    const linked = await link(DEMO_PASSWORD);
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({ user: { displayName: 'Ada From Platform' }, returnTo: '/account' });

    // From now on the provider alone signs Ada in.
    const later = new Browser(t.app);
    expect((await signInThroughProvider(later, 'platform-ada')).location).toBe(`${ADIEU}/cancel`);
    expect(JSON.parse((await later.go(`${ADIEU}/api/auth/session`)).body).user.id).toBe(linked.json().user.id);
  });

  it('never redirects off the site: returnTo //evil.example lands on /', async () => {
    const landed = await signInThroughProvider(new Browser(t.app), 'platform-1', '//evil.example');
    expect(landed.location).toBe(`${ADIEU}/`);
  });

  it('refuses a wrong state and a replayed code, creating no session', async () => {
    const browser = new Browser(t.app);
    const atCallback = await signInThroughProvider(browser, 'platform-1', '/cancel', true);
    const callback = new URL(atCallback.location!);
    const flowCookie = browser.jar(ADIEU).get('adieu_oidc')!;

    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'not-the-state');
    const wrongState = await browser.request('GET', tampered.href);
    expect(wrongState.status).toBe(400);
    expect(JSON.parse(wrongState.body).error.code).toBe('OIDC_INVALID');
    expect(await sessionCount()).toBe(0);

    // The flow cookie is single-use: put it back, as an attacker who copied it would.
    browser.jar(ADIEU).set('adieu_oidc', flowCookie);
    const ok = await browser.request('GET', callback.href);
    expect(ok.status).toBe(302);
    expect(await sessionCount()).toBe(1);
    browser.jar(ADIEU).set('adieu_oidc', flowCookie);
    const replay = await browser.request('GET', callback.href);
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.body).error.code).toBe('OIDC_INVALID');
    expect(await sessionCount()).toBe(1);
  });

  it('refuses a callback without the browser cookie that started the flow', async () => {
    const browser = new Browser(t.app);
    const atCallback = await signInThroughProvider(browser, 'platform-1', '/cancel', true);
    const other = new Browser(t.app);
    const refused = await other.request('GET', atCallback.location!);
    expect(refused.status).toBe(400);
    expect(await sessionCount()).toBe(0);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const attacks: Array<[string, (claims: JWTPayload) => Promise<string>]> = [
    ['a wrong nonce', (c) => signed({ ...c, nonce: 'someone-elses-nonce' })],
    ['a missing nonce', (c) => signed({ ...c, nonce: undefined })],
    ['another issuer', (c) => signed({ ...c, iss: 'http://127.0.0.1:1/another-issuer' })],
    ['another audience', (c) => signed({ ...c, aud: 'another-client' })],
    ['an expired token', (c) => signed({ ...c, iat: now() - 7200, exp: now() - 3600 })],
    ['alg none', async (c) => `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(c))}.`],
    [
      'HS256 signed with the provider public key',
      async (c) => {
        const publicPem = await exportSPKI((await importJWK({ kty: 'RSA', n: idp.signingJwk.n, e: idp.signingJwk.e }, 'RS256')) as CryptoKey);
        return new SignJWT(c).setProtectedHeader({ alg: 'HS256', kid: idp.signingJwk.kid }).sign(new TextEncoder().encode(publicPem));
      },
    ],
    [
      'a key the provider does not have',
      async (c) => {
        const { generateKeyPair } = await import('jose');
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT(c).setProtectedHeader({ alg: 'RS256', kid: idp.signingJwk.kid }).sign(privateKey);
      },
    ],
  ];

  it.each(attacks)('refuses an ID token with %s, creating no session', async (_name, attack) => {
    // The genuine token, re-signed by the provider's own key, is accepted: the forging path is sound.
    forge = (claims) => signed(claims);
    const control = await signInThroughProvider(new Browser(t.app), 'platform-1');
    expect(control.location).toBe(`${ADIEU}/cancel`);
    expect(await sessionCount()).toBe(1);

    forge = attack;
    const browser = new Browser(t.app);
    const refused = await signInThroughProvider(browser, 'platform-1');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error.code).toBe('OIDC_INVALID');
    expect(await sessionCount()).toBe(1);
  });

  it('steps up through the provider (max_age=0, prompt=login) to submit a cancellation that goes on to erasure, and refuses a stale auth_time', async () => {
    const browser = new Browser(t.app);
    await signInThroughProvider(browser, 'platform-1');
    const before = JSON.parse((await browser.go(`${ADIEU}/api/auth/session`)).body);
    expect(before.reauthenticatedUntil).toBeNull();
    // The cancellation needs a fresh step-up; this buyer has no password here.
    const client = new Client(t.app);
    Object.assign(client, { cookie: browser.jar(ADIEU).get('adieu_session'), csrfToken: before.csrfToken });
    const documentId = await uploadDocument(client);
    const refused = await client.post('/api/cancellation', submission([documentId]));
    expect(refused.json().error.code).toBe('REAUTH_REQUIRED');
    const start = await browser.request('GET', `${ADIEU}/api/auth/oidc/start?stepUp=1&returnTo=/cancel/new`);
    const authorize = new URL(start.location!);
    expect(authorize.searchParams.get('max_age')).toBe('0');
    expect(authorize.searchParams.get('prompt')).toBe('login');
    // The provider asks for the login again, although its own session is live.
    const login = await browser.go(start.location!);
    expect(login.body).toContain('name="login"');
    const done = await browser.completeProviderForms(login, 'platform-1');
    expect(done.location).toBe(`${ADIEU}/cancel/new`);
    const session = JSON.parse((await browser.go(`${ADIEU}/api/auth/session`)).body);
    expect(session.reauthenticatedUntil).toEqual(expect.any(String));
    // The step-up opens what needs one: the cancellation is submitted.
    Object.assign(client, { cookie: browser.jar(ADIEU).get('adieu_session'), csrfToken: session.csrfToken });
    const submitted = await client.post('/api/cancellation', submission([documentId]));
    expect(submitted.statusCode).toBe(201);
    expect(submitted.json().status).toBe('submitted');

    // The rest of the journey for this OIDC-only buyer: review, grace, erasure, certificate.
    const applicationId = submitted.json().id as string;
    const reviewer = new Client(t.app);
    await reviewer.signIn('reviewer@example.com', 'demo-reviewer-1');
    expect((await claim(reviewer, applicationId)).statusCode).toBe(200);
    const approved = await decide(reviewer, applicationId, { outcome: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    // A brand-new account needs four eyes: the admin gives the second approval.
    const admin = new Client(t.app);
    await admin.signIn('admin@example.com', 'demo-admin-1');
    expect((await claim(admin, applicationId)).statusCode).toBe(200);
    expect((await decide(admin, applicationId, { outcome: 'approve' })).json().status).toBe('grace');
    await advance(t, 'P8D');
    await runJobs(t);
    await runJobs(t);
    expect(await statusOf(t, applicationId)).toBe('erased');
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.applicationId, applicationId));
    expect(run.state).toBe('completed');
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    expect(certificate.payload.externalIdentities).toEqual({ unlinked: 1 });
    expect(JSON.stringify(certificate)).not.toContain('platform-1');
    expect(await t.ctx.db.select().from(externalIdentities)).toEqual([]);

    // An ID token whose auth_time is two minutes old is no step-up.
    const other = new Browser(t.app);
    await signInThroughProvider(other, 'platform-1');
    forge = (claims) => signed({ ...claims, auth_time: Math.floor(Date.now() / 1000) - 120 });
    const stale = await other.completeProviderForms(await other.go(`${ADIEU}/api/auth/oidc/start?stepUp=1&returnTo=/cancel/new`), 'platform-1');
    expect(stale.status).toBe(400);
    expect(JSON.parse((await other.go(`${ADIEU}/api/auth/session`)).body).reauthenticatedUntil).toBeNull();
  });

  it('ends the buyer sessions on every server on a back-channel logout token; refuses replays and nonces', async () => {
    // A second server on the same database (its own connection pool on PostgreSQL).
    const database = kind === 'postgres' ? await openDatabase({ url: t.testDb.url, dataDir: '', poolSize: 2 }) : t.testDb.database;
    const ctx2 = await createContext(t.ctx.config, { database, logger: createLogger('silent') });
    const app2 = await buildApp(ctx2);
    try {
      let sid: unknown;
      forge = async (claims) => {
        sid = claims.sid;
        return signed(claims);
      };
      const onFirst = new Browser(t.app);
      await signInThroughProvider(onFirst, 'platform-1');
      forge = null;
      const onSecond = new Browser(app2);
      await signInThroughProvider(onSecond, 'platform-1');
      const bystander = new Browser(t.app);
      await signInThroughProvider(bystander, 'platform-2');
      const signedInUser = async (browser: Browser) => JSON.parse((await browser.go(`${ADIEU}/api/auth/session`)).body).user;
      expect(await signedInUser(onFirst)).not.toBeNull();
      expect(await signedInUser(onSecond)).not.toBeNull();
      expect(typeof sid).toBe('string');

      const logoutToken = (claims: JWTPayload) =>
        signed(
          { iss: idp.issuer, aud: idp.clientId, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 120, jti: randomUUID(), events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, ...claims },
          { typ: 'logout+jwt' },
        );
      const post = (app: typeof t.app, token: string) =>
        app.inject({ method: 'POST', url: '/api/auth/oidc/backchannel-logout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ logout_token: token }).toString() });

      const withNonce = await post(app2, await logoutToken({ sub: 'platform-1', nonce: 'n' }));
      expect(withNonce.statusCode).toBe(400);
      const noEvent = await post(app2, await logoutToken({ sub: 'platform-1', events: {} }));
      expect(noEvent.statusCode).toBe(400);
      const otherAudience = await post(app2, await logoutToken({ sub: 'platform-1', aud: 'someone-else' }));
      expect(otherAudience.statusCode).toBe(400);
      expect(await signedInUser(onFirst)).not.toBeNull();

      // sid alone ends that provider session only.
      const bySid = await logoutToken({ sid: sid as string });
      expect((await post(app2, bySid)).statusCode).toBe(200);
      expect(await signedInUser(onFirst)).toBeNull();
      expect(await signedInUser(onSecond)).not.toBeNull();

      const bySub = await logoutToken({ sub: 'platform-1' });
      expect((await post(app2, bySub)).statusCode).toBe(200);
      expect(await signedInUser(onSecond)).toBeNull();
      expect(await signedInUser(bystander)).not.toBeNull();
      // The same token again, on the other server: refused (jti once, in the database).
      const replay = await post(t.app, bySub);
      expect(replay.statusCode).toBe(400);
      expect(replay.json().error.code).toBe('LOGOUT_TOKEN_INVALID');
    } finally {
      await app2.close();
      if (kind === 'postgres') await closeContext(ctx2);
      else await ctx2.keys.close();
    }
  });

  it('takes the provider own logout token: signing out at the provider ends the session here', async () => {
    const browser = new Browser(t.app);
    await signInThroughProvider(browser, 'platform-1');
    expect(JSON.parse((await browser.go(`${ADIEU}/api/auth/session`)).body).user).not.toBeNull();
    // RP-initiated logout at the provider: its confirmation form, then its back-channel call to us.
    const confirm = await browser.go(`${idp.issuer}/session/end?client_id=${idp.clientId}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.body)![1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)![1];
    await browser.go(new URL(action, confirm.url).href, { method: 'POST', form: { xsrf, logout: 'yes' } });
    expect(posted).toEqual([200]);
    expect(JSON.parse((await browser.go(`${ADIEU}/api/auth/session`)).body).user).toBeNull();
  });

  it('follows a key rotation: a token signed with a newly published key signs in after one silent retry', async () => {
    await signInThroughProvider(new Browser(t.app), 'platform-1'); // the provider's keys are now cached
    const { generateKeyPair, exportJWK } = await import('jose');
    const rotated = await generateKeyPair('RS256', { extractable: true });
    const signWithNewKey = (claims: JWTPayload, kid: string) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(rotated.privateKey);

    extraPublicJwk = { ...(await exportJWK(rotated.publicKey)), kid: 'rotated', alg: 'RS256', use: 'sig' };
    forge = (claims) => signWithNewKey(claims, 'rotated');
    const landed = await signInThroughProvider(new Browser(t.app), 'platform-1');
    expect(landed.location).toBe(`${ADIEU}/cancel`);
    expect(await sessionCount()).toBe(2);

    // A key nobody published is refused, after the one retry (no loop).
    forge = (claims) => signWithNewKey(claims, 'never-published');
    const refused = await signInThroughProvider(new Browser(t.app), 'platform-1');
    expect(refused.status).toBe(400);
    expect(await sessionCount()).toBe(2);
  });
});
