import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { ACCOUNT_FAILURE_LIMIT, DEVICE_FAILURE_LIMIT } from '../../src/accounts/sign-in.ts';
import { DEVICE_COOKIE } from '../../src/accounts/device-cookie.ts';

/** Nobody can lock a buyer out: OWASP device cookies, with strangers coming through a trusted proxy. */
describe.each(DATABASE_KINDS)('sign-in lockout by device cookie (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind, { http: { trustProxy: '10.0.0.1' } });
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  const login = (from: string, password: string, deviceCookie?: string, identifier = 'ada@example.com') =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.0.0.1',
      headers: { 'x-forwarded-for': from, ...(deviceCookie ? { cookie: `${DEVICE_COOKIE}=${deviceCookie}` } : {}) },
      payload: { identifier, password },
    });
  const deviceOf = (response: Awaited<ReturnType<typeof login>>) => response.cookies.find((c) => c.name === DEVICE_COOKIE);

  it('gives a browser that signed in a signed, HttpOnly device cookie without personal data', async () => {
    const first = await login('198.51.100.1', DEMO_PASSWORD);
    expect(first.statusCode).toBe(200);
    const cookie = deviceOf(first)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/auth' });
    expect(cookie.value).not.toMatch(/ada|example/i);
    expect(deviceOf(await login('198.51.100.1', 'wrong password here'))).toBeUndefined();
  });

  it('50 wrong attempts from many addresses do not stop the owner signing in from their trusted browser', async () => {
    const trusted = deviceOf(await login('198.51.100.1', DEMO_PASSWORD))!.value;
    for (let i = 0; i < 50; i++) {
      const attempt = await login(`203.0.113.${i + 1}`, `guess number ${i}`);
      expect(attempt.statusCode).toBe(401);
    }
    // An untrusted client is paused: even the right password is not let in.
    const untrusted = await login('198.51.100.50', DEMO_PASSWORD);
    expect(untrusted.statusCode).toBe(401);
    expect(untrusted.cookies.find((c) => c.name === 'adieu_session')).toBeUndefined();
    // The owner's browser still gets in, and keeps its device cookie.
    const owner = await login('198.51.100.51', DEMO_PASSWORD, trusted);
    expect(owner.statusCode).toBe(200);
    expect(owner.cookies.find((c) => c.name === 'adieu_session')?.value).toBeTruthy();
    expect(deviceOf(owner)?.value).toBe(trusted);
    // ...while untrusted clients stay paused.
    expect((await login('198.51.100.52', DEMO_PASSWORD)).statusCode).toBe(401);
  });

  it('an untrusted client is paused after the limit, with the same answer as for an unknown account', async () => {
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) expect((await login(`203.0.113.${i + 1}`, `guess ${i} wrong`)).statusCode).toBe(401);
    const paused = await login('198.51.100.9', DEMO_PASSWORD);
    const unknown = await login('198.51.100.10', DEMO_PASSWORD, undefined, 'nobody@example.com');
    expect(paused.statusCode).toBe(401);
    expect(paused.body).toBe(unknown.body);
  });

  it('a device cookie that fails too often is paused itself; a forged or foreign one is not trusted', async () => {
    const trusted = deviceOf(await login('198.51.100.1', DEMO_PASSWORD))!.value;
    for (let i = 0; i < DEVICE_FAILURE_LIMIT; i++) expect((await login('198.51.100.1', `guess ${i} wrong`, trusted)).statusCode).toBe(401);
    expect((await login('198.51.100.1', DEMO_PASSWORD, trusted)).statusCode).toBe(401);

    // While strangers have paused untrusted clients, Ben's cookie does not vouch for Ada's account
    // and a tampered one is worthless; a fresh trusted browser of Ada's still gets in.
    const fresh = deviceOf(await login('198.51.100.4', DEMO_PASSWORD))!.value;
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) expect((await login(`203.0.113.${i + 1}`, `guess ${i} wrong`)).statusCode).toBe(401);
    const bens = deviceOf(await login('198.51.100.2', DEMO_PASSWORD, undefined, 'ben@example.com'))!.value;
    const [userId, nonce, mac] = fresh.split('.');
    for (const other of [bens, `${userId}.${nonce}.${mac.slice(0, -2)}AA`, `${userId}.x${nonce.slice(1)}.${mac}`, 'junk']) {
      expect((await login('198.51.100.3', DEMO_PASSWORD, other)).statusCode).toBe(401);
    }
    expect((await login('198.51.100.3', DEMO_PASSWORD, fresh)).statusCode).toBe(200);
  });
});
