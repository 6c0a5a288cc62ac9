import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../src/audit/audit.tables.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';

/** Every account change leaves an audit entry, written in the same transaction as the change. */
describe.each(DATABASE_KINDS)('account changes in the audit log (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  async function entries(action: string) {
    return t.ctx.db.select().from(auditLog).where(eq(auditLog.action, action));
  }

  async function adaSubject(): Promise<string> {
    const [row] = await t.ctx.db.select({ subjectId: users.subjectId }).from(users).where(eq(users.id, (await signedIn()).accountId));
    return row!.subjectId;
  }

  async function signedIn(): Promise<{ client: Client; accountId: string }> {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    return { client, accountId: (await client.get('/api/account')).json().id };
  }

  /** Makes every audit append of `action` fail, as a full disk or a lost connection would. */
  async function failAuditOf(action: string): Promise<void> {
    await t.ctx.database.executeSql(`
      CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = '${action}' THEN RAISE EXCEPTION 'audit refused by the test'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit();`);
  }

  it('records a change of language, and keeps the old one when the entry cannot be written', async () => {
    const subject = await adaSubject();
    const { client, accountId } = await signedIn();
    expect((await client.patch('/api/account/preferences', { locale: 'zh-CN' })).statusCode).toBe(200);
    const [entry] = await entries('account.locale_set');
    expect(entry).toMatchObject({ actor: subject, subject, data: { locale: 'zh-CN' } });

    await failAuditOf('account.locale_set');
    expect((await client.patch('/api/account/preferences', { locale: 'en' })).statusCode).toBe(500);
    const [row] = await t.ctx.db.select({ locale: users.locale }).from(users).where(eq(users.id, accountId));
    expect(row!.locale).toBe('zh-CN');
  });

  it('records ending one session, and the session lives on when the entry cannot be written', async () => {
    const subject = await adaSubject();
    const { client } = await signedIn();
    await signedIn();
    await signedIn();
    const sessionsOf = async () => (await client.get('/api/account/sessions')).json().items.map((s: { id: string; current: boolean }) => s);
    const [otherSession] = (await sessionsOf()).filter((s: { current: boolean }) => !s.current);

    expect((await client.delete(`/api/account/sessions/${otherSession.id}`)).statusCode).toBe(204);
    const [entry] = await entries('auth.session_revoked');
    expect(entry).toMatchObject({ actor: subject, subject, target: otherSession.id });
    expect((await client.delete(`/api/account/sessions/${otherSession.id}`)).statusCode).toBe(404);
    expect(await entries('auth.session_revoked')).toHaveLength(1);

    await failAuditOf('auth.session_revoked');
    const [next] = (await sessionsOf()).filter((s: { current: boolean }) => !s.current);
    expect((await client.delete(`/api/account/sessions/${next.id}`)).statusCode).toBe(500);
    expect((await sessionsOf()).map((s: { id: string }) => s.id)).toContain(next.id);
  });

  it('records signing out everywhere else, and nobody is signed out when the entry cannot be written', async () => {
    const subject = await adaSubject();
    const { client } = await signedIn();
    const other = await signedIn();
    await failAuditOf('auth.other_sessions_ended');
    expect((await client.delete('/api/account/sessions')).statusCode).toBe(500);
    expect((await other.client.get('/api/account')).statusCode).toBe(200);

    await t.ctx.database.executeSql('DROP TRIGGER refuse_audit ON audit_log');
    expect((await client.delete('/api/account/sessions')).statusCode).toBe(204);
    expect((await other.client.get('/api/account')).statusCode).toBe(401);
    expect((await client.get('/api/account')).statusCode).toBe(200);
    const [entry] = await entries('auth.other_sessions_ended');
    expect(entry).toMatchObject({ actor: subject, subject });
  });

  it('records the start of TOTP enrolment, and stores no secret when the entry cannot be written', async () => {
    const subject = await adaSubject();
    const { client, accountId } = await signedIn();
    await client.reauth(DEMO_PASSWORD);
    await failAuditOf('auth.totp_enrolment_started');
    expect((await client.post('/api/auth/totp/setup')).statusCode).toBe(500);
    const secretOf = async () => (await t.ctx.db.select({ secret: users.totpSecretEnc }).from(users).where(eq(users.id, accountId)))[0]!.secret;
    expect(await secretOf()).toBeNull();

    await t.ctx.database.executeSql('DROP TRIGGER refuse_audit ON audit_log');
    expect((await client.post('/api/auth/totp/setup')).statusCode).toBe(200);
    expect(await secretOf()).not.toBeNull();
    const [entry] = await entries('auth.totp_enrolment_started');
    expect(entry).toMatchObject({ actor: subject, subject });
  });
});
