import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';

async function serviceNow(t: TestApp): Promise<number> {
  return new Date((await t.app.inject({ method: 'GET', url: '/api/dev/clock' })).json().now).getTime();
}

async function advance(t: TestApp, duration: string): Promise<void> {
  expect((await t.app.inject({ method: 'POST', url: '/api/dev/clock', payload: { advance: duration } })).statusCode).toBe(200);
}

/** The code an authenticator app shows at the service's "now". */
async function codeNow(t: TestApp, secret: string): Promise<string> {
  return authenticator.clone({ epoch: await serviceNow(t) }).generate(secret);
}

describe.each(DATABASE_KINDS)('two-step verification (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  /** Ada with TOTP on; returns her secret and recovery codes. */
  async function enrol(client: Client): Promise<{ secret: string; recoveryCodes: string[]; confirmCode: string }> {
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    await client.reauth(DEMO_PASSWORD);
    const setup = await client.post('/api/auth/totp/setup');
    expect(setup.statusCode).toBe(200);
    const { secret } = setup.json();
    const confirmCode = await codeNow(t, secret);
    const confirmed = await client.post('/api/auth/totp/confirm', { code: confirmCode });
    expect(confirmed.statusCode).toBe(200);
    return { secret, recoveryCodes: confirmed.json().recoveryCodes, confirmCode };
  }

  it('enrols with an otpauth URI and a QR code, after a step-up, confirmed by a real code', async () => {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    const early = await client.post('/api/auth/totp/setup');
    expect(early.statusCode).toBe(403);
    expect(early.json().error.code).toBe('REAUTH_REQUIRED');

    await client.reauth(DEMO_PASSWORD);
    const setup = await client.post('/api/auth/totp/setup');
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl, qrCodeDataUrl } = setup.json();
    const uri = new URL(otpauthUrl);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Adieu');
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]{200,}$/);
    expect((await client.get('/api/account')).json().totpEnabled).toBe(false);

    const wrong = await client.post('/api/auth/totp/confirm', { code: '000000' === (await codeNow(t, secret)) ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('TOTP_INVALID');

    const confirmed = await client.post('/api/auth/totp/confirm', { code: await codeNow(t, secret) });
    expect(confirmed.statusCode).toBe(200);
    const { recoveryCodes } = confirmed.json();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await client.get('/api/account')).json()).toMatchObject({ totpEnabled: true, recoveryCodesLeft: 10 });
    expect((await client.post('/api/auth/totp/setup')).json().error.code).toBe('TOTP_ALREADY_ENABLED');

    await t.ctx.jobs.runDue();
    expect(t.ctx.mailbox.list('ada@example.com').map((m) => m.subject)).toContain('Two-step verification is on');
  });

  it('then requires the code at sign-in, and each code works once', async () => {
    const { secret, confirmCode } = await enrol(new Client(t.app));

    const withoutCode = await new Client(t.app).post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD });
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json().error.code).toBe('TOTP_REQUIRED');
    expect(withoutCode.cookies.find((c) => c.name === 'adieu_session')).toBeUndefined();
    // A wrong password never reveals that a code would be asked for.
    const wrongPassword = await new Client(t.app).post('/api/auth/login', { identifier: 'ada@example.com', password: 'wrong password here' });
    expect(wrongPassword.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');

    // The code that confirmed enrolment is spent: replaying it within its window is refused.
    const replayOfConfirm = await new Client(t.app).post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD, totp: confirmCode });
    expect(replayOfConfirm.statusCode).toBe(401);
    expect(replayOfConfirm.json().error.code).toBe('TOTP_INVALID');

    await advance(t, 'PT30S');
    const fresh = await codeNow(t, secret);
    const first = new Client(t.app);
    await first.signIn('ada@example.com', DEMO_PASSWORD, fresh);
    expect((await first.get('/api/account')).statusCode).toBe(200);
    const replay = await new Client(t.app).post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD, totp: fresh });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('TOTP_INVALID');

    // Step-up by code follows the same rule.
    await advance(t, 'PT30S');
    const stepUpCode = await codeNow(t, secret);
    expect((await first.post('/api/auth/reauth', { totp: stepUpCode })).statusCode).toBe(200);
    expect((await first.post('/api/auth/reauth', { totp: stepUpCode })).statusCode).toBe(401);
  });

  it('lets a recovery code in once', async () => {
    const { recoveryCodes } = await enrol(new Client(t.app));
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD, recoveryCodes[3].toUpperCase());
    expect((await client.get('/api/account')).json().recoveryCodesLeft).toBe(9);
    const again = await new Client(t.app).post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD, totp: recoveryCodes[3] });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('TOTP_INVALID');
    await new Client(t.app).signIn('ada@example.com', DEMO_PASSWORD, recoveryCodes[4].replace('-', ''));
  });

  it('turns off only with the second factor itself, not the password alone, and tells the owner', async () => {
    const client = new Client(t.app);
    const { secret, recoveryCodes } = await enrol(client);
    // The attack: a session plus the password, then disable.
    await advance(t, 'PT11M');
    await client.reauth(DEMO_PASSWORD);
    const passwordOnly = await client.post('/api/auth/totp/disable');
    expect(passwordOnly.statusCode).toBe(403);
    expect(passwordOnly.json().error.code).toBe('SECOND_FACTOR_REQUIRED');
    const wrong = await client.post('/api/auth/totp/disable', { code: '000000' === (await codeNow(t, secret)) ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('TOTP_INVALID');
    expect((await client.get('/api/account')).json().totpEnabled).toBe(true);

    expect((await client.post('/api/auth/totp/disable', { code: recoveryCodes[0] })).statusCode).toBe(204);
    expect((await client.get('/api/account')).json().totpEnabled).toBe(false);
    await new Client(t.app).signIn('ada@example.com', DEMO_PASSWORD);

    expect((await t.app.inject({ method: 'POST', url: '/api/dev/jobs/run' })).statusCode).toBe(200);
    const mails = (await t.app.inject({ method: 'GET', url: '/api/dev/mailbox?to=ada@example.com' })).json() as Array<{ subject: string; text: string }>;
    const notice = mails.find((m) => /two-step/i.test(m.subject) && /off/i.test(m.subject + m.text));
    expect(notice, mails.map((m) => m.subject).join(' | ')).toBeTruthy();
  });

  it('refuses guessing codes through the disable endpoint', async () => {
    const client = new Client(t.app);
    const { secret } = await enrol(client);
    const bad = '000000' === (await codeNow(t, secret)) ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await client.post('/api/auth/totp/disable', { code: bad })).statusCode).toBe(401);
    const paused = await client.post('/api/auth/totp/disable', { code: await codeNow(t, secret) });
    expect(paused.statusCode).toBe(429);
    expect(paused.json().error.code).toBe('RATE_LIMITED');
  });
});
