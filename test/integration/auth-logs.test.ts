import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { createLogger } from '../../src/logger.ts';

/** Collects every JSON line the service logs. */
function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, logger: createLogger('trace', stream) };
}

describe.each(DATABASE_KINDS)('logs carry no secrets and no personal data (%s)', (kind) => {
  let t: TestApp;
  afterEach(() => t.close());

  it('sign-up, sign-in, failures, recovery and step-up leave nothing personal in the log', async () => {
    const logs = captureLogs();
    t = await createTestApp(kind, {}, { logger: logs.logger });
    const email = 'Grace.Hopper@Example.org';
    const phone = '+8613912345678';
    const password = 'cobol compilers rule 1959';
    const newPassword = 'nanoseconds on a wire 30cm';
    const name = 'Grace Brewster Hopper';

    const client = new Client(t.app);
    expect((await client.post('/api/auth/signup', { email, phone, password, displayName: name })).statusCode).toBe(201);
    await new Client(t.app).post('/api/auth/login', { identifier: email, password: 'wrong but long password' });
    await client.signIn(email, password);
    const sessionToken = client.cookie!;
    const csrf = client.csrfToken!;
    await client.patch('/api/account/security', { antiPhishingCode: 'Moth1947' });
    await client.post('/api/auth/reauth', { password });
    await client.get('/api/account');
    await new Client(t.app).post('/api/auth/password/forgot', { identifier: email });
    await new Client(t.app).post('/api/auth/password/forgot', { identifier: phone });
    await t.app.inject({ method: 'GET', url: `/api/dev/mailbox?to=${encodeURIComponent(email)}` });
    await t.ctx.jobs.runDue();
    const mail = t.ctx.mailbox.list(email.toLowerCase())[0];
    const resetToken = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const smsCode = /code: ([A-Z0-9]{8})/.exec(t.ctx.mailbox.list(phone)[0].text)![1];
    expect((await new Client(t.app).post('/api/auth/password/reset', { token: resetToken, password: newPassword })).statusCode).toBe(200);
    await new Client(t.app).post('/api/auth/password/reset', { token: smsCode, password: newPassword });
    // A request that fails validation with the secret in it.
    await new Client(t.app).post('/api/auth/login', { identifier: email, password: 42 });
    await t.ctx.jobs.runDue();

    const text = logs.lines.join('\n');
    // The log was really captured: one line per request with its id, method and path.
    const entries = logs.lines.map((l) => JSON.parse(l));
    const requests = entries.filter((l) => l.req);
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.every((l) => l.msg === 'request completed' && typeof l.reqId === 'string' && typeof l.res.statusCode === 'number')).toBe(true);
    expect(new Set(requests.map((l) => l.reqId)).size).toBe(requests.length); // one line per request
    expect(requests.some((l) => l.req.path === '/api/dev/mailbox' && l.route === '/api/dev/mailbox')).toBe(true);

    const secrets = [
      email,
      email.toLowerCase(),
      'grace.hopper',
      phone,
      '13912345678',
      password,
      newPassword,
      name,
      'Hopper',
      'Moth1947',
      sessionToken,
      csrf,
      resetToken,
      smsCode,
    ];
    for (const secret of secrets) expect(text, `log contains ${secret}`).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(email));
  });
});

describe('loggableError', () => {
  it('keeps the database sentence and the stack frames, never the query parameters', async () => {
    const { loggableError } = await import('../../src/http/error-handler.ts');
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "users_email_index_uq"'), { code: '23505', detail: 'Key (email_index)=(abc)' });
    const error = Object.assign(new Error('Failed query: insert into "users" values ($1)\nparams: $argon2id$secret-hash,reset-token-123'), { cause });
    const logged = JSON.stringify(loggableError(error));
    expect(logged).toContain('23505');
    expect(logged).toContain('duplicate key value');
    expect(logged).toContain(' at ');
    expect(logged).not.toMatch(/argon2id|reset-token-123|email_index\)=|params/);
  });
});
