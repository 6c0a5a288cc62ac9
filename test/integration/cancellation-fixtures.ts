import sharp from 'sharp';
import { createLogger } from '../../src/logger.ts';
import { eq } from 'drizzle-orm';
import type { DatabaseKind } from '../../src/db/database.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { insertUser } from '../../src/accounts/users.ts';
import { users, type Role } from '../../src/accounts/accounts.tables.ts';
import { applications } from '../../src/cancellation/cancellation.tables.ts';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { startSmtpInbox, type ReceivedMail } from '../helpers/smtp-inbox.ts';

/** Cancellation and review tests: one app with a real SMTP inbox, the demo people and helpers. */

export const PASSWORD = 'a long enough passphrase';
/** Monday 2 March 2026, 10:00 in Shanghai: no holiday for weeks, so deadlines are easy to read. */
export const START = '2026-03-02T02:00:00.000Z';
export const PUBLIC_URL = 'http://adieu.test';

export type Inbox = Awaited<ReturnType<typeof startSmtpInbox>>;

export interface World {
  t: TestApp;
  inbox: Inbox;
  reviewer: Client;
  admin: Client;
  close(): Promise<void>;
}

export async function createWorld(kind: DatabaseKind, config: Partial<ConfigInput> = {}): Promise<World> {
  const inbox = await startSmtpInbox();
  const t = await createTestApp(kind, { mail: { smtpUrl: inbox.url }, ...config }, { logger: createLogger('error') });
  await seedDemo(t.ctx);
  await setClock(t, START);
  const reviewer = new Client(t.app);
  await reviewer.signIn('reviewer@example.com', 'demo-reviewer-1');
  const admin = new Client(t.app);
  await admin.signIn('admin@example.com', 'demo-admin-1');
  return {
    t,
    inbox,
    reviewer,
    admin,
    async close() {
      await t.close();
      await inbox.close();
    },
  };
}

export async function setClock(t: TestApp, iso: string): Promise<void> {
  const response = await t.app.inject({ method: 'POST', url: '/api/dev/clock', payload: { set: iso } });
  if (response.statusCode !== 200) throw new Error(`clock: ${response.body}`);
}

export async function advance(t: TestApp, duration: string): Promise<void> {
  const response = await t.app.inject({ method: 'POST', url: '/api/dev/clock', payload: { advance: duration } });
  if (response.statusCode !== 200) throw new Error(`clock: ${response.body}`);
}

/** Runs every due timer and job (mail included), as the dev tools do. */
export async function runJobs(t: TestApp): Promise<Record<string, { completed: number; failed: number }>> {
  const response = await t.app.inject({ method: 'POST', url: '/api/dev/jobs/run' });
  if (response.statusCode !== 200) throw new Error(`jobs: ${response.body}`);
  return response.json().queues;
}

/** A dev-tools call made by nobody in particular (not the buyer's session). */
export async function dev(t: TestApp, url: string, payload: Record<string, unknown>) {
  const response = await t.app.inject({ method: 'POST', url, payload });
  if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

export interface Buyer {
  client: Client;
  userId: string;
  email: string;
}

/**
 * A buyer with a history (created a month ago, so no "new account" risk flag), signed in, with
 * an anti-phishing code and a fresh step-up.
 */
export async function createBuyer(t: TestApp, email: string, options: { locale?: 'en' | 'zh-CN'; displayName?: string; roles?: Role[]; fresh?: boolean } = {}): Promise<Buyer> {
  let userId: string;
  if (options.fresh) {
    const signup = await new Client(t.app).post('/api/auth/signup', { email, password: PASSWORD, displayName: options.displayName ?? 'Grace Hopper' });
    if (signup.statusCode !== 201) throw new Error(`signup: ${signup.body}`);
    userId = signup.json().userId;
  } else {
    const user = await insertUser(t.ctx, t.ctx.db, {
      email,
      password: PASSWORD,
      displayName: options.displayName ?? 'Grace Hopper',
      roles: options.roles ?? ['buyer'],
      locale: options.locale ?? 'en',
      createdAt: new Date(t.ctx.clock.now().getTime() - 30 * 86_400_000),
    });
    userId = user.id;
  }
  const client = new Client(t.app);
  await client.signIn(email, PASSWORD);
  const code = await client.patch('/api/account/security', { antiPhishingCode: 'Kite7' });
  if (code.statusCode !== 200) throw new Error(`anti-phishing: ${code.body}`);
  await client.reauth(PASSWORD);
  return { client, userId, email };
}

/** Signs in again (after the clock moved past the session's life) with a fresh step-up. */
export async function signInAgain(buyer: Buyer): Promise<void> {
  buyer.client.cookie = null;
  buyer.client.csrfToken = null;
  await buyer.client.signIn(buyer.email, PASSWORD);
  await buyer.client.reauth(PASSWORD);
}

export async function signInStaff(client: Client, email: string, password: string): Promise<void> {
  client.cookie = null;
  client.csrfToken = null;
  await client.signIn(email, password);
}

/** A real identity-document upload through the documents endpoint: a small PNG made with sharp. */
export async function uploadDocument(client: Client, kind: 'id_front' | 'id_back' | 'other' = 'id_front'): Promise<string> {
  const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 220, g: 225, b: 235 } } })
    .png()
    .toBuffer();
  const boundary = `----adieu${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="id.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await client.request('POST', '/api/cancellation/documents', payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
  if (response.statusCode !== 201) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  return response.json().documentId;
}

export const submission = (documentIds: string[], extra: Record<string, unknown> = {}) => ({
  reasonCode: 'PRIVACY_CONCERN',
  reasonText: 'I moved to another shop near 42 Example Road.',
  documentIds,
  acknowledge: true,
  ...extra,
});

/** Uploads a document and submits; returns the created application. */
export async function submitApplication(buyer: Buyer, extra: Record<string, unknown> = {}) {
  const documentId = await uploadDocument(buyer.client);
  const response = await buyer.client.post('/api/cancellation', submission([documentId], extra));
  if (response.statusCode !== 201) throw new Error(`submit: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function claim(client: Client, id: string) {
  return client.post(`/api/review/applications/${id}/claim`);
}

/** Opens every document of a case, as a reviewer does before approving (the views are audited). */
export async function viewDocuments(client: Client, id: string): Promise<void> {
  const detail = await client.get(`/api/review/applications/${id}`);
  if (detail.statusCode !== 200) return;
  for (const document of detail.json().documents as Array<{ documentId: string }>) {
    await client.get(`/api/review/applications/${id}/documents/${document.documentId}`);
  }
}

/** A reviewer's decision; an approval first opens the case's documents, as the console does. */
export async function decide(client: Client, id: string, body: Record<string, unknown>) {
  if (body.outcome === 'approve') await viewDocuments(client, id);
  return client.post(`/api/review/applications/${id}/decision`, body);
}

export async function statusOf(t: TestApp, id: string): Promise<string> {
  const [row] = await t.ctx.db.select({ status: applications.status }).from(applications).where(eq(applications.id, id));
  return row.status;
}

export async function accountStatus(t: TestApp, userId: string): Promise<string> {
  const [row] = await t.ctx.db.select({ status: users.status }).from(users).where(eq(users.id, userId));
  return row.status;
}

/**
 * Waits for the n-th mail to someone and checks what every mail of Adieu must hold: the
 * anti-phishing code (when set) and links to publicUrl only.
 */
export async function mailTo(inbox: Inbox, to: string, count: number, options: { antiPhishing?: string | null } = {}): Promise<ReceivedMail> {
  const all = await inbox.waitFor(to, count);
  const mail = all[count - 1];
  assertSafeMail(mail, options.antiPhishing === undefined ? 'Kite7' : options.antiPhishing);
  return mail;
}

export function assertSafeMail(mail: ReceivedMail, antiPhishing: string | null): void {
  if (antiPhishing && !mail.text.includes(antiPhishing)) throw new Error(`mail "${mail.subject}" lacks the anti-phishing code`);
  const links = [...mail.text.matchAll(/https?:\/\/[^\s)>"]+/g), ...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? m[0]);
  for (const raw of links) {
    const link = raw.replace(/[.,;:]+$/, '');
    if (new URL(link).origin !== PUBLIC_URL) throw new Error(`mail "${mail.subject}" links outside publicUrl: ${link}`);
  }
}
