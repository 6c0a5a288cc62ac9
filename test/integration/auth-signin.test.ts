import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { ACCOUNT_FAILURE_LIMIT, IP_FAILURE_LIMIT } from '../../src/accounts/sign-in.ts';

/** Moves the service clock without touching any session (an anonymous caller). */
async function advance(t: TestApp, duration: string): Promise<void> {
  const response = await t.app.inject({ method: 'POST', url: '/api/dev/clock', payload: { advance: duration } });
  expect(response.statusCode).toBe(200);
}

async function serviceNow(t: TestApp): Promise<number> {
  return new Date((await t.app.inject({ method: 'GET', url: '/api/dev/clock' })).json().now).getTime();
}

describe.each(DATABASE_KINDS)('sign-in, throttling and sessions (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  it('signs in by email and by phone, and answers the anonymous session probe', async () => {
    const anonymous = await new Client(t.app).get('/api/auth/session');
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toMatchObject({ user: null });

    const byEmail = new Client(t.app);
    const email = await byEmail.post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD });
    expect(email.statusCode).toBe(200);
    expect(email.json()).toEqual({ user: { id: expect.stringMatching(/^usr_/), displayName: 'Ada Lovelace', roles: ['buyer'] }, csrfToken: expect.any(String) });

    const byPhone = new Client(t.app);
    const phone = await byPhone.post('/api/auth/login', { identifier: '+8613800000001', password: DEMO_PASSWORD });
    expect(phone.statusCode).toBe(200);
    expect(phone.json().user.id).toBe(email.json().user.id);
    expect(byPhone.cookie).not.toBe(byEmail.cookie);

    const session = await byPhone.get('/api/auth/session');
    expect(session.json()).toMatchObject({ user: { id: email.json().user.id, displayName: 'Ada Lovelace' }, csrfToken: phone.json().csrfToken });
  });

  it('sets a hardened session cookie and never stores the token itself', async () => {
    const client = new Client(t.app);
    const login = await client.post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD });
    const cookie = login.cookies.find((c) => c.name === 'adieu_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy(); // publicUrl is http here
    expect(Buffer.from(cookie.value, 'base64url').length).toBe(32); // 256 bits
    const { rows } = (await t.ctx.database.executeSql('SELECT token_hash FROM sessions')) as { rows: Array<{ token_hash: string }> };
    expect(rows.map((r) => r.token_hash)).not.toContain(cookie.value);
    expect(login.headers['x-frame-options'] ?? login.headers['content-security-policy']).toBeDefined();
    expect(login.body).not.toContain(cookie.value);
  });

  it('refuses a cross-site sign-in (login CSRF) but not a same-origin one', async () => {
    const body = { identifier: 'ada@example.com', password: DEMO_PASSWORD };
    const evil = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: body, headers: { origin: 'https://evil.example' } });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error.code).toBe('CSRF_INVALID');
    expect(evil.cookies.find((c) => c.name === 'adieu_session')).toBeUndefined();
    const fetchMeta = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: body, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(fetchMeta.statusCode).toBe(403);
    const nullOrigin = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: body, headers: { origin: 'null' } });
    expect(nullOrigin.statusCode).toBe(403);

    const sameOrigin = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: body, headers: { origin: 'http://adieu.test', 'sec-fetch-site': 'same-origin' } });
    expect(sameOrigin.statusCode).toBe(200);
    const sameHost = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: body, headers: { origin: 'http://localhost:3000', host: 'localhost:3000' } });
    expect(sameHost.statusCode).toBe(200);
  });

  it('pauses an account after repeated failures, whatever the spelling, with the same answer even for the right password', async () => {
    const unknown = await new Client(t.app, '10.0.0.9').post('/api/auth/login', { identifier: 'nobody@example.com', password: 'wrong password here' });
    const spellings = ['ADA@Example.com', 'ada@example.com', ' Ada@EXAMPLE.COM ', 'ａｄａ@example.com' /* full-width */, 'ada@EXAMPLE.com'];
    expect(spellings.length).toBe(ACCOUNT_FAILURE_LIMIT);
    for (const [i, identifier] of spellings.entries()) {
      // Each attempt from another address: the per-account counter alone must pause the account.
      const failed = await new Client(t.app, `10.0.1.${i}`).post('/api/auth/login', { identifier, password: 'wrong password here' });
      expect(failed.statusCode).toBe(401);
      expect(failed.body).toBe(unknown.body);
    }
    const paused = await new Client(t.app, '10.0.2.1').post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD });
    expect(paused.statusCode).toBe(401);
    expect(paused.body).toBe(unknown.body);
    expect(paused.headers['retry-after']).toBeUndefined();
    expect(paused.cookies.find((c) => c.name === 'adieu_session')).toBeUndefined();

    // Another account is not affected, and the pause ends with its window.
    await new Client(t.app, '10.0.2.2').signIn('ben@example.com', DEMO_PASSWORD);
    await advance(t, 'PT16M');
    await new Client(t.app, '10.0.2.1').signIn('ADA@example.COM', DEMO_PASSWORD);
  });

  it('never locks the owner out of recovery: a reset works while paused and lifts the pause', async () => {
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      await new Client(t.app, `10.0.3.${i}`).post('/api/auth/login', { identifier: 'ada@example.com', password: 'wrong password here' });
    }
    const owner = new Client(t.app, '10.0.4.1');
    expect((await owner.post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD })).statusCode).toBe(401);
    expect((await owner.post('/api/auth/password/forgot', { identifier: 'ada@example.com' })).statusCode).toBe(202);
    await t.ctx.jobs.runDue();
    const [mail] = t.ctx.mailbox.list('ada@example.com');
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    expect((await owner.post('/api/auth/password/reset', { token, password: 'a brand new passphrase 7' })).statusCode).toBe(200);
    await owner.signIn('ada@example.com', 'a brand new passphrase 7');
  });

  it('answers 429 with Retry-After once one address failed too often', async () => {
    const attacker = new Client(t.app, '10.9.9.9');
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) {
      const failed = await attacker.post('/api/auth/login', { identifier: `user${i}@example.com`, password: 'wrong password here' });
      expect(failed.statusCode).toBe(401);
    }
    const limited = await attacker.post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(limited.cookies.find((c) => c.name === 'adieu_session')).toBeUndefined();

    // Other addresses are unaffected; the address itself is let in again after the window.
    await new Client(t.app, '10.9.9.10').signIn('ada@example.com', DEMO_PASSWORD);
    await advance(t, `PT${retryAfter + 1}S`);
    await attacker.signIn('ada@example.com', DEMO_PASSWORD);
  });

  it('ends an idle session after 30 minutes', async () => {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    await advance(t, 'PT20M');
    expect((await client.get('/api/account')).statusCode).toBe(200); // activity keeps it alive
    await advance(t, 'PT20M');
    expect((await client.get('/api/account')).statusCode).toBe(200);
    await advance(t, 'PT31M');
    const idle = await client.get('/api/account');
    expect(idle.statusCode).toBe(401);
    expect(idle.json().error.code).toBe('AUTH_REQUIRED');
    await advance(t, 'PT0S');
    expect((await client.get('/api/auth/session')).json().user).toBeNull();
  });

  it('ends even an active session after 12 hours', async () => {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      await advance(t, 'PT20M');
      expect((await client.get('/api/account')).statusCode, `after ${minutes} minutes`).toBe(200);
    }
    await advance(t, 'PT21M'); // 12 h 01 min after sign-in, 21 min after the last request
    expect((await client.get('/api/account')).statusCode).toBe(401);
  });

  it('steps up with the password: new token, 10 minutes, old token dead', async () => {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    const before = (await client.get('/api/auth/session')).json();
    expect(before.reauthenticatedUntil).toBeNull();
    const oldToken = client.cookie!;

    const wrong = await client.post('/api/auth/reauth', { password: 'not my password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(client.cookie).toBe(oldToken);
    const neither = await client.post('/api/auth/reauth', {});
    expect(neither.statusCode).toBe(422);

    const now = await serviceNow(t);
    const right = await client.post('/api/auth/reauth', { password: DEMO_PASSWORD });
    expect(right.statusCode).toBe(200);
    const until = new Date(right.json().reauthenticatedUntil).getTime();
    expect(until - now).toBeGreaterThanOrEqual(10 * 60_000 - 1000);
    expect(until - now).toBeLessThanOrEqual(10 * 60_000 + 5000);
    expect(client.cookie).not.toBe(oldToken);
    expect(right.json().csrfToken).toBe(before.csrfToken);

    const stale = await t.app.inject({ method: 'GET', url: '/api/account', cookies: { adieu_session: oldToken } });
    expect(stale.statusCode).toBe(401);
    expect((await client.get('/api/auth/session')).json().reauthenticatedUntil).toBe(right.json().reauthenticatedUntil);

    await advance(t, 'PT11M');
    expect((await client.get('/api/auth/session')).json().reauthenticatedUntil).toBeNull();
  });

  it('throttles step-up guessing per user', async () => {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    for (let i = 0; i < 5; i++) expect((await client.post('/api/auth/reauth', { password: `guess number ${i}` })).statusCode).toBe(401);
    const limited = await client.post('/api/auth/reauth', { password: DEMO_PASSWORD });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('lists sessions, ends one, signs out everywhere else, and logs out', async () => {
    const laptop = new Client(t.app);
    const phone = new Client(t.app);
    const tablet = new Client(t.app);
    await laptop.signIn('ada@example.com', DEMO_PASSWORD);
    await phone.signIn('+8613800000001', DEMO_PASSWORD);
    await tablet.signIn('ada@example.com', DEMO_PASSWORD);
    const ben = new Client(t.app);
    await ben.signIn('ben@example.com', DEMO_PASSWORD);

    const list = (await laptop.get('/api/account/sessions')).json().items as Array<{ id: string; current: boolean }>;
    expect(list).toHaveLength(3);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    const phoneSession = (await phone.get('/api/account/sessions')).json().items.find((s: { current: boolean }) => s.current).id;

    // Someone else's session id: the same 404 as one that does not exist.
    const foreign = await ben.delete(`/api/account/sessions/${phoneSession}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('SESSION_NOT_FOUND');
    expect((await ben.delete('/api/account/sessions/ses_nope')).body).toBe(foreign.body);
    expect((await phone.get('/api/account')).statusCode).toBe(200);

    expect((await laptop.delete(`/api/account/sessions/${phoneSession}`)).statusCode).toBe(204);
    expect((await phone.get('/api/account')).statusCode).toBe(401);
    expect((await tablet.get('/api/account')).statusCode).toBe(200);

    expect((await laptop.delete('/api/account/sessions')).statusCode).toBe(204);
    expect((await tablet.get('/api/account')).statusCode).toBe(401);
    expect((await laptop.get('/api/account/sessions')).json().items).toHaveLength(1);
    expect((await ben.get('/api/account')).statusCode).toBe(200);

    const token = laptop.cookie!;
    const noCsrf = await laptop.request('POST', '/api/auth/logout', {}, { 'x-csrf-token': '' });
    expect(noCsrf.statusCode).toBe(403);
    const logout = await laptop.post('/api/auth/logout');
    expect(logout.statusCode).toBe(204);
    expect(laptop.cookie).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/api/account', cookies: { adieu_session: token } })).statusCode).toBe(401);
    expect((await new Client(t.app).post('/api/auth/logout')).statusCode).toBe(204); // anonymous: harmless
  });

  it('replaces the current session when signing in again in the same browser', async () => {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    const first = client.cookie!;
    await client.signIn('ben@example.com', DEMO_PASSWORD);
    expect((await t.app.inject({ method: 'GET', url: '/api/account', cookies: { adieu_session: first } })).statusCode).toBe(401);
    expect((await client.get('/api/account')).json().displayName).toBe('Ben Zhang');
  });
});

describe.each(DATABASE_KINDS)('client address behind a load balancer (%s)', (kind) => {
  let t: TestApp;
  afterEach(() => t.close());

  async function failUntilLimited(headers: Record<string, string>) {
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) {
      await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.1', headers, payload: { identifier: `u${i}@example.com`, password: 'wrong password here' } });
    }
  }
  const login = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.1', headers, payload: { identifier: 'ada@example.com', password: DEMO_PASSWORD } });

  it('counts each client behind a trusted proxy on its own', async () => {
    t = await createTestApp(kind, { http: { trustProxy: '10.0.0.1' } });
    await seedDemo(t.ctx);
    await failUntilLimited({ 'x-forwarded-for': '198.51.100.7' });
    expect((await login({ 'x-forwarded-for': '198.51.100.7' })).statusCode).toBe(429);
    expect((await login({ 'x-forwarded-for': '198.51.100.8' })).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
    await failUntilLimited({ 'x-forwarded-for': '198.51.100.7' });
    expect((await login({ 'x-forwarded-for': '198.51.100.99' })).statusCode).toBe(429);
  });
});
