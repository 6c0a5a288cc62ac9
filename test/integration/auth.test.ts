import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';

describe.each(DATABASE_KINDS)('sign-up and sign-in (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  it('signs up by email and signs in with any spelling of it', async () => {
    const client = new Client(t.app);
    const signup = await client.post('/api/auth/signup', { email: 'New.Buyer@Example.com', password: 'a long enough passphrase', displayName: 'New Buyer' });
    expect(signup.statusCode).toBe(201);
    expect(signup.json().userId).toMatch(/^usr_/);
    const login = await client.post('/api/auth/login', { identifier: 'new.buyer@EXAMPLE.com', password: 'a long enough passphrase' });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ user: { displayName: 'New Buyer', roles: ['buyer'] }, csrfToken: expect.any(String) });
    const cookie = login.cookies.find((c) => c.name === 'adieu_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
  });

  it('refuses a taken identifier and weak passwords', async () => {
    const client = new Client(t.app);
    const taken = await client.post('/api/auth/signup', { email: 'ADA@example.com', password: 'a long enough passphrase', displayName: 'Ada' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('IDENTIFIER_TAKEN');
    const weak = await client.post('/api/auth/signup', { email: 'weak@example.com', password: 'password1234', displayName: 'Weak' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { password: expect.any(String) } });
  });

  it('signs in by phone in E.164 or with spaces', async () => {
    const client = new Client(t.app);
    const login = await client.post('/api/auth/login', { identifier: '+86 138 0000 0001', password: DEMO_PASSWORD });
    expect(login.statusCode).toBe(200);
    const account = await client.get('/api/account');
    expect(account.json()).toMatchObject({ email: 'ad***@example.com', phone: '+86 138****0001' });
    expect(account.body).not.toContain('ada@example.com');
  });

  it('answers an unknown account and a wrong password the same way', async () => {
    const unknown = await new Client(t.app).post('/api/auth/login', { identifier: 'nobody@example.com', password: DEMO_PASSWORD });
    const wrong = await new Client(t.app).post('/api/auth/login', { identifier: 'ada@example.com', password: 'not the password' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
  });

  it('refuses a signed-in change without the CSRF token', async () => {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    const refused = await client.request('PATCH', '/api/account/security', { antiPhishingCode: 'Blue42' }, { 'x-csrf-token': 'forged' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('CSRF_INVALID');
    const accepted = await client.patch('/api/account/security', { antiPhishingCode: 'Blue42' });
    expect(accepted.statusCode).toBe(200);
    expect((await client.get('/api/account')).json().antiPhishingCode).toBe('Blue42');
  });

  it('answers bad JSON and oversized bodies with clear 4xx errors', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"identifier":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_REQUEST');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ identifier: 'x'.repeat(2 * 1024 * 1024), password: 'x' }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('BODY_TOO_LARGE');
    const invalid = await new Client(t.app).post('/api/auth/login', { identifier: 42 });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().error.code).toBe('VALIDATION_FAILED');
  });
});
