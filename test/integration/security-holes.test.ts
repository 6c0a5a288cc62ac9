import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { Client } from '../helpers/test-app.ts';
import { auditLog } from '../../src/audit/audit.tables.ts';
import { BUYER_MESSAGES_PER_MINUTE } from '../../src/cancellation/application-messages.ts';
import { ELIGIBILITY_CHECKS_PER_MINUTE } from '../../src/eligibility/buyer-eligibility.ts';
import {
  advance,
  claim,
  createBuyer,
  createWorld,
  decide,
  dev,
  signInStaff,
  statusOf,
  submitApplication,
  viewDocuments,
  type Buyer,
  type World,
} from './cancellation-fixtures.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Each attack an outside tester reproduced over the HTTP API, now failing for the attacker. */
describe.each(DATABASE_KINDS)('review and step-up holes stay closed (%s)', (kind) => {
  let w: World;
  let buyer: Buyer;
  beforeEach(async () => {
    w = await createWorld(kind);
    buyer = await createBuyer(w.t, 'grace@example.com');
  });
  afterEach(() => w.close());

  it('a reviewer cannot decide after releasing the claim, nor approve documents they never opened', async () => {
    const { id } = await submitApplication(buyer);
    expect((await claim(w.reviewer, id)).statusCode).toBe(200);
    expect((await w.reviewer.delete(`/api/review/applications/${id}/claim`)).statusCode).toBe(204);
    const released = await w.reviewer.post(`/api/review/applications/${id}/decision`, { outcome: 'approve' });
    expect(released.statusCode).toBe(409);
    expect(released.json().error.code).toBe('NOT_CLAIMED');
    const reject = await w.reviewer.post(`/api/review/applications/${id}/decision`, { outcome: 'reject', reasonCode: 'OTHER' });
    expect(reject.json().error.code).toBe('NOT_CLAIMED');

    // An expired claim is no claim either.
    expect((await claim(w.reviewer, id)).statusCode).toBe(200);
    await advance(w.t, 'PT31M');
    await signInStaff(w.reviewer, 'reviewer@example.com', 'demo-reviewer-1');
    expect((await w.reviewer.post(`/api/review/applications/${id}/decision`, { outcome: 'approve' })).json().error.code).toBe('NOT_CLAIMED');

    // Holding the claim, but without having opened the ID photo.
    expect((await claim(w.reviewer, id)).statusCode).toBe(200);
    const unseen = await w.reviewer.post(`/api/review/applications/${id}/decision`, { outcome: 'approve' });
    expect(unseen.statusCode).toBe(409);
    expect(unseen.json().error.code).toBe('DOCUMENTS_NOT_REVIEWED');
    expect(unseen.json().error.documentIds).toHaveLength(1);
    expect(await statusOf(w.t, id)).toBe('in_review');

    // Another reviewer's view does not count for this one.
    await signInStaff(w.admin, 'admin@example.com', 'demo-admin-1');
    await viewDocuments(w.admin, id);
    expect((await w.reviewer.post(`/api/review/applications/${id}/decision`, { outcome: 'approve' })).json().error.code).toBe('DOCUMENTS_NOT_REVIEWED');

    await viewDocuments(w.reviewer, id);
    const approved = await w.reviewer.post(`/api/review/applications/${id}/decision`, { outcome: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    const [entry] = await w.t.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'application.approved'), eq(auditLog.target, id)));
    expect((entry.data as { documentsViewed: string[] }).documentsViewed).toEqual(unseen.json().error.documentIds);
  });

  it('resubmitting needs the same fresh step-up as submitting', async () => {
    const { id } = await submitApplication(buyer);
    await claim(w.reviewer, id);
    expect((await decide(w.reviewer, id, { outcome: 'reject', reasonCode: 'ID_UNREADABLE' })).statusCode).toBe(200);
    await advance(w.t, 'PT11M');
    // The stolen-cookie case: a live session without a fresh step-up.
    const stale = await buyer.client.post('/api/cancellation/resubmit', {});
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('REAUTH_REQUIRED');
    expect(await statusOf(w.t, id)).toBe('rejected');
    await buyer.client.reauth('a long enough passphrase');
    expect((await buyer.client.post('/api/cancellation/resubmit', {})).statusCode).toBe(200);
  });

  it('a buyer flooding their thread is paused per minute, and customer service can still answer', async () => {
    const { id } = await submitApplication(buyer);
    for (let i = 0; i < BUYER_MESSAGES_PER_MINUTE; i++) expect((await buyer.client.post('/api/cancellation/messages', { body: `question ${i}` })).statusCode).toBe(201);
    const flooded = await buyer.client.post('/api/cancellation/messages', { body: 'one more' });
    expect(flooded.statusCode).toBe(429);
    expect(flooded.json().error.code).toBe('RATE_LIMITED');
    expect(Number(flooded.headers['retry-after'])).toBeGreaterThan(0);
    expect((await w.reviewer.post(`/api/review/applications/${id}/messages`, { body: 'We are on it.' })).statusCode).toBe(201);
    await advance(w.t, 'PT61S');
    expect((await buyer.client.post('/api/cancellation/messages', { body: 'thank you' })).statusCode).toBe(201);
  });

  it('crafted paging cursors get 400 CURSOR_INVALID, never a 500', async () => {
    for (const cursor of [b64(['1', 'ord_x']), b64(['+275760-09-13T00:00:00.000Z', 'ord_x']), b64(['-000001-01-01T00:00:00.000Z', 'x']), b64(['2026-03-02T10:00:00.000Z', 7]), 'garbage']) {
      const orders = await buyer.client.get(`/api/shop/orders?cursor=${cursor}`);
      expect(orders.statusCode, orders.body).toBe(400);
      expect(orders.json().error.code).toBe('CURSOR_INVALID');
      const queue = await w.reviewer.get(`/api/review/applications?cursor=${cursor}`);
      expect(queue.statusCode, queue.body).toBe(400);
      expect(queue.json().error.code).toBe('CURSOR_INVALID');
    }
    const audit = await w.admin.get('/api/admin/audit?cursor=1e30');
    expect(audit.statusCode).toBeLessThan(500);
  });

  it('reading a thread is audited, and "read" belongs to each reader', async () => {
    const { id } = await submitApplication(buyer);
    expect((await buyer.client.post('/api/cancellation/messages', { body: 'Is anyone there?' })).statusCode).toBe(201);
    const unread = async (client: Client) =>
      ((await client.get('/api/review/applications')).json().items as Array<{ id: string; unreadMessages: number }>).find((item) => item.id === id)!.unreadMessages;
    expect(await unread(w.reviewer)).toBe(1);
    expect(await unread(w.admin)).toBe(1);

    const thread = await w.reviewer.get(`/api/review/applications/${id}/messages`);
    expect(thread.statusCode).toBe(200);
    expect(await unread(w.reviewer)).toBe(0);
    expect(await unread(w.admin)).toBe(1);

    const reads = await w.t.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'application.messages_viewed'), eq(auditLog.target, id)));
    expect(reads).toHaveLength(1);
    expect(reads[0].subject).toBeTruthy();
  });

  it('the eligibility check is limited per buyer and a burst of parallel checks is answered', async () => {
    await dev(w.t, '/api/dev/shop/orders', { userId: buyer.userId, status: 'completed', total: 100 });
    const answers = await Promise.all(Array.from({ length: 60 }, () => buyer.client.get('/api/cancellation/eligibility')));
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(ELIGIBILITY_CHECKS_PER_MINUTE);
    expect(codes.filter((c) => c === 429)).toHaveLength(60 - ELIGIBILITY_CHECKS_PER_MINUTE);
    expect(codes.every((c) => c === 200 || c === 429)).toBe(true);
    // Another buyer is not slowed by this one.
    const other = await createBuyer(w.t, 'hedy@example.com');
    expect((await other.client.get('/api/cancellation/eligibility')).statusCode).toBe(200);
    await advance(w.t, 'PT61S');
    expect((await buyer.client.get('/api/cancellation/eligibility')).statusCode).toBe(200);
  });
});
