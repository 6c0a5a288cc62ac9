import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { applications, applicationEvents } from '../../src/cancellation/cancellation.tables.ts';
import { auditLog } from '../../src/audit/audit.tables.ts';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import {
  accountStatus,
  advance,
  claim,
  createBuyer,
  createWorld,
  decide,
  dev,
  mailTo,
  runJobs,
  signInAgain,
  signInStaff,
  statusOf,
  submitApplication,
  uploadDocument,
  type Buyer,
  type World,
} from './cancellation-fixtures.ts';

describe.each(DATABASE_KINDS)('cancellation workflow through the API (%s)', (kind) => {
  let w: World;
  let buyer: Buyer;
  beforeEach(async () => {
    w = await createWorld(kind);
    buyer = await createBuyer(w.t, 'grace@example.com');
  });
  afterEach(() => w.close());

  it('walks submitted → in_review → needs_info → resubmitted → in_review → rejected → resubmitted → in_review → approved → grace → erasing → erased, mailing at each step', async () => {
    const { t, inbox, reviewer } = w;
    const firstDoc = await uploadDocument(buyer.client);
    const submitted = await buyer.client.post('/api/cancellation', {
      reasonCode: 'PRIVACY_CONCERN',
      reasonText: 'I moved to another shop near 42 Example Road.',
      documentIds: [firstDoc],
      acknowledge: true,
    });
    expect(submitted.statusCode).toBe(201);
    const application = submitted.json();
    expect(application).toEqual({
      id: expect.stringMatching(/^app_/),
      status: 'submitted',
      reasonCode: 'PRIVACY_CONCERN',
      reasonText: 'I moved to another shop near 42 Example Road.',
      // The dev clock keeps running from where it was set.
      submittedAt: expect.stringMatching(/^2026-03-02T02:00:/),
      // 15 working days after Monday 2 March 2026 in Shanghai: end of Monday 23 March there.
      dueAt: '2026-03-23T15:59:59.999Z',
      timeline: [{ at: expect.stringMatching(/^2026-03-02T02:00:/), event: 'submitted', detail: { dueAt: '2026-03-23T15:59:59.999Z' } }],
    });
    const id = application.id;
    // The free text is stored encrypted, never in clear.
    const [row] = await t.ctx.db.select().from(applications).where(eq(applications.id, id));
    expect(row.reasonTextEnc).not.toContain('Example Road');
    expect(row.riskFlags).toEqual([]);

    await runJobs(t);
    const received = await mailTo(inbox, buyer.email, 1);
    expect(received.subject).toBe('We received your request to close your account');
    expect(received.text).toContain('by March 23, 2026');
    expect(received.text).toContain('Hello Grace,');
    expect(received.text).not.toContain('Hopper');
    expect(received.text).not.toContain('Example Road');
    expect(received.text).toContain('http://adieu.test/account/cancel/status');

    expect((await buyer.client.get('/api/cancellation')).json().application).toMatchObject({ id, status: 'submitted' });

    // Reviewer claims: in_review, the buyer hears.
    expect((await claim(reviewer, id)).statusCode).toBe(200);
    await runJobs(t);
    expect((await mailTo(inbox, buyer.email, 2)).subject).toBe('Your account closure request is being reviewed');

    // Request more information: needs_info with the guidance of the reason code.
    const needsInfo = await decide(reviewer, id, { outcome: 'request_info', reasonCode: 'DOCUMENTS_INCOMPLETE', message: 'Please add the back of your ID card.' });
    expect(needsInfo.statusCode).toBe(200);
    expect(needsInfo.json()).toMatchObject({ status: 'needs_info', decision: { outcome: 'request_info', reasonCode: 'DOCUMENTS_INCOMPLETE', message: 'Please add the back of your ID card.' } });
    await runJobs(t);
    const needsInfoMail = await mailTo(inbox, buyer.email, 3);
    expect(needsInfoMail.subject).toBe('We need more information to close your account');
    expect(needsInfoMail.text).toContain('some documents are missing');
    expect(needsInfoMail.text).toContain('Upload both the front and the back of your identity document');

    // Resubmit with one more document: same id, timeline goes on, new deadline.
    await advance(t, 'P1D');
    await signInAgain(buyer);
    const backDoc = await uploadDocument(buyer.client, 'id_back');
    const resubmitted = await buyer.client.post('/api/cancellation/resubmit', { documentIds: [firstDoc, backDoc] });
    expect(resubmitted.statusCode).toBe(200);
    expect(resubmitted.json()).toMatchObject({ id, status: 'submitted', dueAt: '2026-03-24T15:59:59.999Z' });
    expect(resubmitted.json().decision).toBeUndefined();
    await runJobs(t);
    expect((await mailTo(inbox, buyer.email, 4)).text).toContain('by March 24, 2026');

    await signInStaff(reviewer, 'reviewer@example.com', 'demo-reviewer-1');
    const detail = await reviewer.get(`/api/review/applications/${id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().documents.map((d: { kind: string }) => d.kind).sort()).toEqual(['id_back', 'id_front']);

    expect((await claim(reviewer, id)).statusCode).toBe(200);
    await runJobs(t);
    expect((await mailTo(inbox, buyer.email, 5)).subject).toBe('Your account closure request is being reviewed');
    const rejected = await decide(reviewer, id, { outcome: 'reject', reasonCode: 'ID_UNREADABLE' });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', decision: { outcome: 'reject', reasonCode: 'ID_UNREADABLE' } });
    // Without a message of its own, the message is the guidance template.
    expect(rejected.json().decision.message).toContain('Take a new photo in good light');
    await runJobs(t);
    const rejectedMail = await mailTo(inbox, buyer.email, 6);
    expect(rejectedMail.subject).toBe('Your account closure request was not accepted');
    expect(rejectedMail.text).toContain('the identity document could not be read');
    expect(rejectedMail.text).toContain('Take a new photo in good light');

    // Resubmit without documents: the documents are kept.
    const again = await buyer.client.post('/api/cancellation/resubmit', { reasonText: 'Please close it.' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id, status: 'submitted', reasonText: 'Please close it.' });
    await runJobs(t);
    await mailTo(inbox, buyer.email, 7);
    expect((await reviewer.get(`/api/review/applications/${id}`)).json().documents).toHaveLength(2);

    expect((await claim(reviewer, id)).statusCode).toBe(200);
    await runJobs(t);
    await mailTo(inbox, buyer.email, 8);
    const approved = await decide(reviewer, id, { outcome: 'approve' });
    expect(approved.statusCode).toBe(200);
    // Approval starts the 7-day grace period at once.
    expect(approved.json()).toMatchObject({ status: 'grace', graceEndsAt: expect.stringMatching(/^2026-03-10T02:0/), decision: { outcome: 'approve', reasonCode: 'APPROVED' } });
    expect(await accountStatus(t, buyer.userId)).toBe('frozen');
    await runJobs(t);
    const approvedMail = await mailTo(inbox, buyer.email, 9);
    // To the minute, in the platform's zone (China) since this buyer set none of their own.
    expect(approvedMail.subject).toMatch(/^Your account will be closed on March 10, 2026 at 10:00\sAM GMT\+8$/);

    // The buyer still sees the status.
    const status = (await buyer.client.get('/api/cancellation')).json().application;
    expect(status.timeline.map((e: { event: string }) => e.event)).toEqual([
      'submitted',
      'in_review',
      'needs_info',
      'resubmitted',
      'in_review',
      'rejected',
      'resubmitted',
      'in_review',
      'approved',
      'grace_started',
    ]);

    // Grace ends: nothing open, so erasure starts in the same transaction.
    await advance(t, 'P8D');
    await runJobs(t);
    expect(['erasing', 'erased']).toContain(await statusOf(t, id));
    const events = await t.ctx.db.select({ event: applicationEvents.event }).from(applicationEvents).where(eq(applicationEvents.applicationId, id));
    expect(events.map((e) => e.event)).toContain('erasure_started');
    // The erasure engine runs its steps and marks the application erased, with its certificate.
    await runJobs(t);
    expect(await statusOf(t, id)).toBe('erased');
    await signInStaff(reviewer, 'reviewer@example.com', 'demo-reviewer-1');
    const erased = (await reviewer.get(`/api/review/applications/${id}`)).json().application;
    expect(erased).toMatchObject({ status: 'erased', certificateId: expect.any(String), erasedAt: expect.any(String) });
    expect(erased.reasonText).toBeUndefined(); // crypto-shredded with the buyer's key
    expect(erased.timeline.at(-1)).toMatchObject({ event: 'erased', detail: { certificateId: erased.certificateId } });

    // Every step left an audit entry, and the chain holds.
    const actions = (await t.ctx.db.select({ action: auditLog.action }).from(auditLog)).map((a) => a.action);
    for (const action of ['application.submitted', 'application.claimed', 'application.needs_info', 'application.resubmitted', 'application.rejected', 'application.approved', 'application.grace_started', 'application.erasure_started']) {
      expect(actions).toContain(action);
    }
    expect((await verifyAuditChain(t.ctx.db)).intact).toBe(true);
  });

  it('asks for a fresh step-up, a reason, the acknowledgement and documents', async () => {
    const { t } = w;
    const documentId = await uploadDocument(buyer.client);
    const base = { reasonCode: 'NO_LONGER_USE', documentIds: [documentId], acknowledge: true };

    const missingAck = await buyer.client.post('/api/cancellation', { ...base, acknowledge: false });
    expect(missingAck.statusCode).toBe(422);
    expect(missingAck.json().error.code).toBe('VALIDATION_FAILED');
    const badReason = await buyer.client.post('/api/cancellation', { ...base, reasonCode: 'BORED' });
    expect(badReason.statusCode).toBe(422);
    const tooLong = await buyer.client.post('/api/cancellation', { ...base, reasonText: 'x'.repeat(2001) });
    expect(tooLong.statusCode).toBe(422);
    const noDocs = await buyer.client.post('/api/cancellation', { ...base, documentIds: [] });
    expect(noDocs.statusCode).toBe(422);
    expect(noDocs.json().error.code).toBe('DOCUMENTS_REQUIRED');
    const foreignDoc = await buyer.client.post('/api/cancellation', { ...base, documentIds: ['doc_made_up'] });
    expect(foreignDoc.statusCode).toBe(404);
    expect(foreignDoc.json().error.code).toBe('DOCUMENT_NOT_FOUND');

    // The step-up lasts 10 minutes.
    await advance(t, 'PT11M');
    const stale = await buyer.client.post('/api/cancellation', base);
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('REAUTH_REQUIRED');

    await buyer.client.reauth('a long enough passphrase');
    const ok = await buyer.client.post('/api/cancellation', base);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().reasonText).toBeUndefined();

    const twice = await buyer.client.post('/api/cancellation', base);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('CANCELLATION_ALREADY_OPEN');

    const anonymous = await t.app.inject({ method: 'GET', url: '/api/cancellation' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses submission with the blockers listed while something is open', async () => {
    const { t } = w;
    await dev(t, '/api/dev/shop/disputes', { userId: buyer.userId });
    const documentId = await uploadDocument(buyer.client);
    const blocked = await buyer.client.post('/api/cancellation', { reasonCode: 'OTHER', documentIds: [documentId], acknowledge: true });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.code).toBe('CANCELLATION_BLOCKED');
    expect(blocked.json().error.blockers).toEqual([expect.objectContaining({ code: 'OPEN_DISPUTES', title: expect.any(String), resolveHint: expect.any(String) })]);
    expect((await buyer.client.get('/api/cancellation')).json().application).toBeNull();
  });

  it('honours Idempotency-Key: the same key answers the same, another body with it is refused', async () => {
    const { t } = w;
    const documentId = await uploadDocument(buyer.client);
    const body = { reasonCode: 'TOO_MANY_EMAILS', reasonText: 'Stop.', documentIds: [documentId], acknowledge: true };
    const first = await buyer.client.post('/api/cancellation', body, { 'idempotency-key': 'key-1' });
    expect(first.statusCode).toBe(201);
    const repeat = await buyer.client.post('/api/cancellation', { acknowledge: true, documentIds: [documentId], reasonText: 'Stop.', reasonCode: 'TOO_MANY_EMAILS' }, { 'idempotency-key': 'key-1' });
    expect(repeat.statusCode).toBe(201);
    expect(repeat.json()).toEqual(first.json());
    const reused = await buyer.client.post('/api/cancellation', { ...body, reasonCode: 'OTHER' }, { 'idempotency-key': 'key-1' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const rows = await t.ctx.db.select().from(applications).where(eq(applications.userId, buyer.userId));
    expect(rows).toHaveLength(1);
    await runJobs(t);
    expect(w.inbox.messages.filter((m) => m.to === buyer.email)).toHaveLength(1);
  });

  it('concurrent double submit creates exactly one application (with and without a shared key)', async () => {
    const { t } = w;
    const documentId = await uploadDocument(buyer.client);
    const body = { reasonCode: 'OTHER', documentIds: [documentId], acknowledge: true };
    const answers = await Promise.all([buyer.client.post('/api/cancellation', body), buyer.client.post('/api/cancellation', body)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.statusCode === 409)!.json().error.code).toBe('CANCELLATION_ALREADY_OPEN');
    expect(await t.ctx.db.select().from(applications).where(eq(applications.userId, buyer.userId))).toHaveLength(1);

    const other = await createBuyer(t, 'keyed@example.com');
    const doc = await uploadDocument(other.client);
    const keyed = { reasonCode: 'OTHER', documentIds: [doc], acknowledge: true };
    const same = await Promise.all([
      other.client.post('/api/cancellation', keyed, { 'idempotency-key': 'double' }),
      other.client.post('/api/cancellation', keyed, { 'idempotency-key': 'double' }),
    ]);
    expect(same.map((a) => a.statusCode)).toEqual([201, 201]);
    expect(same[0].json().id).toBe(same[1].json().id);
    expect(await t.ctx.db.select().from(applications).where(eq(applications.userId, other.userId))).toHaveLength(1);
  });

  it('withdraws before erasure, unfreezes the account, and refuses once erasure started', async () => {
    const { t, inbox, reviewer } = w;
    const submitted = await submitApplication(buyer);
    expect((await claim(reviewer, submitted.id)).statusCode).toBe(200);
    expect((await decide(reviewer, submitted.id, { outcome: 'approve' })).statusCode).toBe(200);
    expect(await accountStatus(t, buyer.userId)).toBe('frozen');

    const withdrawn = await buyer.client.post('/api/cancellation/withdraw');
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ id: submitted.id, status: 'withdrawn' });
    expect(withdrawn.json().timeline.at(-1).event).toBe('withdrawn');
    expect(await accountStatus(t, buyer.userId)).toBe('active');
    await runJobs(t);
    const mails = await inbox.waitFor(buyer.email, 4);
    expect(mails.map((m) => m.subject)).toContain('You withdrew your request to close your account');
    // Withdrawn documents are disposed of.
    expect((await reviewer.get(`/api/review/applications/${submitted.id}`)).json().documents).toEqual([]);

    // Nothing more to withdraw; a new request may be made.
    const again = await buyer.client.post('/api/cancellation/withdraw');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('NOT_WITHDRAWABLE');

    await buyer.client.reauth('a long enough passphrase');
    const second = await submitApplication(buyer);
    expect((await claim(reviewer, second.id)).statusCode).toBe(200);
    expect((await decide(reviewer, second.id, { outcome: 'approve' })).statusCode).toBe(200);
    // Erasure has begun (as the grace timer leaves it, before the engine's first step).
    await t.ctx.db.update(applications).set({ status: 'erasing' }).where(eq(applications.id, second.id));
    const late = await buyer.client.post('/api/cancellation/withdraw');
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('NOT_WITHDRAWABLE');
    expect(await statusOf(t, second.id)).toBe('erasing');
  });

  it('withdraws from submitted, in_review, needs_info and rejected alike', async () => {
    const { t, reviewer } = w;
    const steps: Array<[string, (id: string) => Promise<unknown>]> = [
      ['submitted', async () => undefined],
      ['in_review', (id) => claim(reviewer, id)],
      ['needs_info', async (id) => (await claim(reviewer, id), decide(reviewer, id, { outcome: 'request_info', reasonCode: 'OTHER' }))],
      ['rejected', async (id) => (await claim(reviewer, id), decide(reviewer, id, { outcome: 'reject', reasonCode: 'OTHER' }))],
    ];
    for (const [status, bringTo] of steps) {
      await buyer.client.reauth('a long enough passphrase');
      const application = await submitApplication(buyer);
      await bringTo(application.id);
      expect(await statusOf(t, application.id)).toBe(status);
      const withdrawn = await buyer.client.post('/api/cancellation/withdraw');
      expect(withdrawn.statusCode).toBe(200);
      expect(withdrawn.json()).toMatchObject({ id: application.id, status: 'withdrawn' });
    }
  });

  it('resubmit is only for rejected or needs_info', async () => {
    const submitted = await submitApplication(buyer);
    const refused = await buyer.client.post('/api/cancellation/resubmit', {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('NOT_RESUBMITTABLE');
    expect(submitted.status).toBe('submitted');
  });

  it('during grace the buyer can only read and withdraw: the shop and other changes are refused', async () => {
    const { t, reviewer } = w;
    const submitted = await submitApplication(buyer);
    await claim(reviewer, submitted.id);
    await decide(reviewer, submitted.id, { outcome: 'approve' });

    expect((await buyer.client.get('/api/cancellation')).statusCode).toBe(200);
    const message = await buyer.client.post('/api/cancellation/messages', { body: 'Hello?' });
    expect(message.statusCode).toBe(409);
    expect(message.json().error.code).toBe('ACCOUNT_FROZEN');
    const security = await buyer.client.patch('/api/account/security', { antiPhishingCode: 'Other9' });
    expect(security.statusCode).toBe(409);
    expect(security.json().error.code).toBe('ACCOUNT_FROZEN');
    const order = await t.app.inject({ method: 'POST', url: '/api/dev/shop/orders', payload: { userId: buyer.userId, status: 'awaiting_payment', total: 1000 } });
    expect(order.statusCode).toBe(409);
    expect(order.json().error.code).toBe('ACCOUNT_FROZEN');

    expect((await buyer.client.post('/api/cancellation/withdraw')).statusCode).toBe(200);
    expect(await accountStatus(t, buyer.userId)).toBe('active');
    expect((await buyer.client.patch('/api/account/security', { antiPhishingCode: 'Other9' })).statusCode).toBe(200);
  });

  it('a blocker that appears during grace sends the application back to review', async () => {
    const { t, inbox, reviewer } = w;
    const submitted = await submitApplication(buyer);
    await claim(reviewer, submitted.id);
    await decide(reviewer, submitted.id, { outcome: 'approve' });
    await runJobs(t);
    await inbox.waitFor(buyer.email, 3);

    // A seller opens a dispute while the account is frozen.
    await dev(t, '/api/dev/shop/disputes', { userId: buyer.userId });
    await advance(t, 'P7DT1M');
    await runJobs(t);

    expect(await statusOf(t, submitted.id)).toBe('in_review');
    expect(await accountStatus(t, buyer.userId)).toBe('active');
    await signInAgain(buyer);
    const application = (await buyer.client.get('/api/cancellation')).json().application;
    expect(application.timeline.at(-1)).toMatchObject({ event: 'returned_to_review', detail: { blockers: ['OPEN_DISPUTES'] } });
    expect(application.graceEndsAt).toBeUndefined();
    const mail = await mailTo(inbox, buyer.email, 4);
    expect(mail.subject).toBe('Your account closure request needs another look');

    // No erasure happened.
    await advance(t, 'P8D');
    await runJobs(t);
    expect(await statusOf(t, submitted.id)).toBe('in_review');
  });

  it('withdraw racing approve: exactly one wins, and no erasure follows a withdrawal', async () => {
    const { t, reviewer } = w;
    const submitted = await submitApplication(buyer);
    await claim(reviewer, submitted.id);
    const [approve, withdraw] = await Promise.all([decide(reviewer, submitted.id, { outcome: 'approve', version: 2 }), buyer.client.post('/api/cancellation/withdraw')]);
    expect(withdraw.statusCode).toBe(200);
    if (approve.statusCode === 200) {
      // The approval landed first; the withdrawal then ended the grace period.
      expect(approve.json().status).toBe('grace');
    } else {
      expect(approve.statusCode).toBe(409);
      expect(approve.json().error.code).toBe('STALE_APPLICATION');
    }
    expect(await statusOf(t, submitted.id)).toBe('withdrawn');
    expect(await accountStatus(t, buyer.userId)).toBe('active');
    await advance(t, 'P8D');
    await runJobs(t);
    expect(await statusOf(t, submitted.id)).toBe('withdrawn');
    const events = await t.ctx.db.select({ event: applicationEvents.event }).from(applicationEvents).where(eq(applicationEvents.applicationId, submitted.id));
    expect(events.map((e) => e.event)).not.toContain('erasure_started');
  });

  it('keeps a message thread between the buyer and customer service, with notifications', async () => {
    const { t, inbox, reviewer } = w;
    const submitted = await submitApplication(buyer);
    await claim(reviewer, submitted.id);
    await runJobs(t);
    await inbox.waitFor(buyer.email, 2);

    const first = await buyer.client.post('/api/cancellation/messages', { body: 'My ID card expired last week, is that a problem?' });
    expect(first.statusCode).toBe(201);
    // A second message before anyone read the first sends no second mail.
    expect((await buyer.client.post('/api/cancellation/messages', { body: 'Also, my name changed.' })).statusCode).toBe(201);
    await runJobs(t);
    const toReviewer = await mailTo(inbox, 'reviewer@example.com', 1, { antiPhishing: null });
    expect(toReviewer.subject).toBe('A buyer wrote about their closure request');
    expect(toReviewer.text).not.toContain('ID card expired');
    expect(toReviewer.text).toContain(`http://adieu.test/review/${submitted.id}`);

    const queue = (await reviewer.get('/api/review/applications')).json();
    expect(queue.items.find((i: { id: string }) => i.id === submitted.id).unreadMessages).toBe(2);
    const thread = await reviewer.get(`/api/review/applications/${submitted.id}/messages`);
    expect(thread.json().items.map((m: { body: string; authorRole: string }) => [m.authorRole, m.body])).toEqual([
      ['buyer', 'My ID card expired last week, is that a problem?'],
      ['buyer', 'Also, my name changed.'],
    ]);
    const reply = await reviewer.post(`/api/review/applications/${submitted.id}/messages`, { body: 'An expired card is fine within 6 months.' });
    expect(reply.statusCode).toBe(201);
    await runJobs(t);
    const toBuyer = await mailTo(inbox, buyer.email, 3);
    expect(toBuyer.subject).toBe('Customer service replied about your account closure');
    expect(toBuyer.text).not.toContain('expired card');

    const mine = (await buyer.client.get('/api/cancellation/messages')).json();
    expect(mine.items).toHaveLength(3);
    expect(mine.items[2]).toMatchObject({ authorRole: 'reviewer', body: 'An expired card is fine within 6 months.', authorName: null });

    // Another buyer sees nothing of it, and cannot post to it.
    const stranger = await createBuyer(t, 'stranger@example.com');
    expect((await stranger.client.get('/api/cancellation/messages')).json()).toEqual({ applicationId: null, items: [] });
    expect((await stranger.client.post('/api/cancellation/messages', { body: 'hi' })).statusCode).toBe(404);
    expect((await stranger.client.get(`/api/review/applications/${submitted.id}/messages`)).statusCode).toBe(403);
  });
});
