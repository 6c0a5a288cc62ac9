import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { startSmtpInbox } from '../helpers/smtp-inbox.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';

type Inbox = Awaited<ReturnType<typeof startSmtpInbox>>;
const NEW_PASSWORD = 'correct horse battery staple 42';

/** Every link in a message, from its text and its HTML. */
function links(text: string, html: string): string[] {
  const found = [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g), ...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0].replace(/[.,;:!?。，：]+$/u, ''));
  return [...new Set(found)];
}

async function advance(t: TestApp, duration: string): Promise<void> {
  expect((await t.app.inject({ method: 'POST', url: '/api/dev/clock', payload: { advance: duration } })).statusCode).toBe(200);
}

describe.each(DATABASE_KINDS)('password recovery (%s)', (kind) => {
  let t: TestApp;
  let inbox: Inbox;
  beforeEach(async () => {
    inbox = await startSmtpInbox();
    t = await createTestApp(kind, { mail: { smtpUrl: inbox.url } });
    await seedDemo(t.ctx);
  });
  afterEach(async () => {
    await t.close();
    await inbox.close();
  });

  async function requestReset(identifier: string, headers: Record<string, string> = {}) {
    const response = await new Client(t.app).post('/api/auth/password/forgot', { identifier }, headers);
    expect(response.statusCode).toBe(202);
    await t.ctx.jobs.runDue();
    return response;
  }

  it('mails a single-use link to publicUrl only, ends every session, does not sign in, and tells the owner', async () => {
    const laptop = new Client(t.app);
    await laptop.signIn('ada@example.com', DEMO_PASSWORD);
    expect((await laptop.patch('/api/account/security', { antiPhishingCode: 'Kiwi2024' })).statusCode).toBe(200);
    const phone = new Client(t.app);
    await phone.signIn('+8613800000001', DEMO_PASSWORD);

    // A forged Host header must not leak into the link.
    await requestReset('ADA@Example.com', { host: 'evil.example', 'x-forwarded-host': 'evil.example' });
    const [mail] = await inbox.waitFor('ada@example.com');
    expect(mail.subject).toBe('Reset your password');
    expect(mail.text).toContain('Kiwi2024');
    expect(mail.html).toContain('Kiwi2024');
    const found = links(mail.text, mail.html);
    expect(found.length).toBeGreaterThan(0);
    for (const link of found) expect(new URL(link).origin).toBe('http://adieu.test');
    expect(mail.text + mail.html).not.toContain('evil.example');
    const token = /\/reset-password#token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1];

    // Only the hash is stored.
    const { rows } = (await t.ctx.database.executeSql('SELECT token_hash FROM password_resets')) as { rows: Array<{ token_hash: string }> };
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(token);

    const weak = await new Client(t.app).post('/api/auth/password/reset', { token, password: 'password1234' });
    expect(weak.statusCode).toBe(422);

    const stranger = new Client(t.app);
    const reset = await stranger.post('/api/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(reset.statusCode).toBe(200);
    expect(stranger.cookie).toBeNull(); // no automatic sign-in
    expect(reset.body).not.toContain('csrfToken');
    expect((await stranger.get('/api/auth/session')).json().user).toBeNull();

    const again = await new Client(t.app).post('/api/auth/password/reset', { token, password: 'another fine passphrase 9' });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('TOKEN_INVALID');

    expect((await laptop.get('/api/account')).statusCode).toBe(401);
    expect((await phone.get('/api/account')).statusCode).toBe(401);
    expect((await new Client(t.app).post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD })).statusCode).toBe(401);
    await new Client(t.app).signIn('ada@example.com', NEW_PASSWORD);

    await t.ctx.jobs.runDue();
    const [, notice] = await inbox.waitFor('ada@example.com', 2);
    expect(notice.subject).toBe('Your password was changed');
    expect(notice.text).toContain('Kiwi2024');
    expect(notice.text).not.toContain(token);
  });

  it('expires the link after 30 minutes', async () => {
    await requestReset('ada@example.com');
    const [mail] = await inbox.waitFor('ada@example.com');
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    await advance(t, 'PT31M');
    const expired = await new Client(t.app).post('/api/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe('TOKEN_INVALID');
    await new Client(t.app).signIn('ada@example.com', DEMO_PASSWORD);
  });

  it('refuses unknown and malformed tokens with the same answer', async () => {
    const unknown = await new Client(t.app).post('/api/auth/password/reset', { token: 'A'.repeat(43), password: NEW_PASSWORD });
    const code = await new Client(t.app).post('/api/auth/password/reset', { token: 'ABCD2345', password: NEW_PASSWORD });
    expect(unknown.statusCode).toBe(400);
    expect(code.body).toBe(unknown.body);
  });

  it('texts a code to a phone (dev mailbox without a provider) that works once and not after 10 minutes', async () => {
    await requestReset('+86 138 0000 0001');
    const texts = (await t.app.inject({ method: 'GET', url: '/api/dev/mailbox?to=%2B8613800000001' })).json();
    expect(texts).toHaveLength(1);
    expect(texts[0].subject).toBe('SMS');
    const code = /code: ([A-Z0-9]{8})/.exec(texts[0].text)![1];
    expect(texts[0].text).not.toContain('http');
    expect(inbox.messages).toHaveLength(0); // asked by phone: no mail

    const used = await new Client(t.app).post('/api/auth/password/reset', { token: code.toLowerCase(), password: NEW_PASSWORD });
    expect(used.statusCode).toBe(200);
    expect((await new Client(t.app).post('/api/auth/password/reset', { token: code, password: NEW_PASSWORD })).statusCode).toBe(400);
    await new Client(t.app).signIn('+8613800000001', NEW_PASSWORD);
    await t.ctx.jobs.runDue();
    expect((await inbox.waitFor('ada@example.com'))[0].subject).toBe('Your password was changed');

    await requestReset('+8613800000001');
    const [latest] = (await t.app.inject({ method: 'GET', url: '/api/dev/mailbox?to=%2B8613800000001' })).json();
    const second = /code: ([A-Z0-9]{8})/.exec(latest.text)![1];
    expect(second).not.toBe(code);
    await advance(t, 'PT11M');
    expect((await new Client(t.app).post('/api/auth/password/reset', { token: second, password: 'yet another passphrase 11' })).statusCode).toBe(400);
  });

  it('answers 202 for an unknown account and sends nothing', async () => {
    const known = await requestReset('ada@example.com');
    const unknown = await requestReset('nobody@example.com');
    const unknownPhone = await requestReset('+8613999999999');
    const garbage = await requestReset('not an identifier');
    expect(unknown.body).toBe(known.body);
    expect(unknownPhone.body).toBe(known.body);
    expect(garbage.body).toBe(known.body);
    await inbox.waitFor('ada@example.com');
    expect(inbox.messages.map((m) => m.to)).toEqual(['ada@example.com']);
    expect(t.ctx.mailbox.list()).toHaveLength(0);
  });

  it('mails in the buyer language with the anti-phishing code', async () => {
    const cai = new Client(t.app);
    await cai.signIn('cai@example.com', DEMO_PASSWORD);
    await cai.patch('/api/account/security', { antiPhishingCode: '青蛙2025' });
    await requestReset('cai@example.com');
    const [mail] = await inbox.waitFor('cai@example.com');
    expect(mail.subject).toBe('重置您的密码');
    expect(mail.text).toContain('青蛙2025');
    for (const link of links(mail.text, mail.html)) expect(new URL(link).origin).toBe('http://adieu.test');
  });
});
