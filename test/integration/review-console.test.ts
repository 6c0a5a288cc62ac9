import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { Client } from '../helpers/test-app.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { applications } from '../../src/cancellation/cancellation.tables.ts';
import { markApplicationErased } from '../../src/cancellation/complete-application.ts';
import {
  advance,
  claim,
  createBuyer,
  createWorld,
  decide,
  dev,
  mailTo,
  runJobs,
  signInStaff,
  statusOf,
  submitApplication,
  type World,
} from './cancellation-fixtures.ts';

const REVIEWER = ['reviewer@example.com', 'demo-reviewer-1'] as const;
const ADMIN = ['admin@example.com', 'demo-admin-1'] as const;

describe.each(DATABASE_KINDS)('review console (%s)', (kind) => {
  let w: World;
  beforeEach(async () => {
    w = await createWorld(kind);
  });
  afterEach(() => w.close());

  it('lists the queue oldest due first, a page at a time, with live blockers and claims', async () => {
    const { t, reviewer } = w;
    const first = await submitApplication(await createBuyer(t, 'one@example.com'));
    await advance(t, 'P1D');
    const secondBuyer = await createBuyer(t, 'two@example.com');
    const second = await submitApplication(secondBuyer);
    await advance(t, 'P1D');
    const third = await submitApplication(await createBuyer(t, 'three@example.com'));
    await signInStaff(reviewer, ...REVIEWER);

    // A dispute opened after submission shows up live in the queue.
    await dev(t, '/api/dev/shop/disputes', { userId: secondBuyer.userId });
    expect((await claim(reviewer, first.id)).statusCode).toBe(200);

    const page1 = await reviewer.get('/api/review/applications?limit=2');
    expect(page1.statusCode).toBe(200);
    expect(page1.json().items.map((i: { id: string }) => i.id)).toEqual([first.id, second.id]);
    expect(page1.json().items[0]).toMatchObject({ status: 'in_review', claimedBy: expect.any(String), claimedByMe: true, blockersNow: 0 });
    expect(page1.json().items[1]).toMatchObject({ status: 'submitted', blockersNow: 1, claimedByMe: false });
    expect(page1.json().items[1].claimedBy).toBeUndefined();
    expect(page1.json().nextCursor).toEqual(expect.any(String));

    const page2 = await reviewer.get(`/api/review/applications?limit=2&cursor=${encodeURIComponent(page1.json().nextCursor)}`);
    expect(page2.json().items.map((i: { id: string }) => i.id)).toEqual([third.id]);
    expect(page2.json().nextCursor).toBeNull();

    const onlySubmitted = await reviewer.get('/api/review/applications?status=submitted');
    expect(onlySubmitted.json().items.map((i: { id: string }) => i.id)).toEqual([second.id, third.id]);

    expect((await reviewer.get('/api/review/applications?cursor=garbage')).statusCode).toBe(400);
    expect((await reviewer.get('/api/review/applications?status=nonsense')).statusCode).toBe(422);

    const buyerClient = (await createBuyer(t, 'nosy@example.com')).client;
    expect((await buyerClient.get('/api/review/applications')).statusCode).toBe(403);
    expect((await buyerClient.post(`/api/review/applications/${first.id}/claim`)).statusCode).toBe(403);
    expect((await new Client(t.app).get('/api/review/applications')).statusCode).toBe(401);
    expect((await reviewer.get('/api/review/applications/app_unknown')).statusCode).toBe(404);
  });

  it('claims with a 30-minute lease: a second reviewer waits, then may take over', async () => {
    const { t, reviewer, admin } = w;
    const application = await submitApplication(await createBuyer(t, 'lease@example.com'));

    const notClaimed = await decide(reviewer, application.id, { outcome: 'reject', reasonCode: 'OTHER' });
    expect(notClaimed.statusCode).toBe(409);
    expect(notClaimed.json().error.code).toBe('NOT_CLAIMED');

    const claimed = await claim(reviewer, application.id);
    expect(claimed.statusCode).toBe(200);
    expect(claimed.json()).toMatchObject({ id: application.id, status: 'in_review', claimExpiresAt: expect.any(String) });
    const taken = await claim(admin, application.id);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('ALREADY_CLAIMED');
    const blocked = await decide(admin, application.id, { outcome: 'reject', reasonCode: 'OTHER' });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.code).toBe('ALREADY_CLAIMED');
    // Renewing one's own claim is fine.
    expect((await claim(reviewer, application.id)).statusCode).toBe(200);

    await advance(t, 'PT31M');
    await signInStaff(admin, ...ADMIN);
    expect((await claim(admin, application.id)).statusCode).toBe(200);
    await signInStaff(reviewer, ...REVIEWER);
    expect((await claim(reviewer, application.id)).statusCode).toBe(409);

    // Giving a case back frees it at once.
    expect((await admin.request('DELETE', `/api/review/applications/${application.id}/claim`)).statusCode).toBe(204);
    expect((await claim(reviewer, application.id)).statusCode).toBe(200);
  });

  it('two concurrent decisions: exactly one wins and exactly one mail goes out', async () => {
    const { t, inbox, reviewer, admin } = w;
    const buyer = await createBuyer(t, 'race@example.com');
    const application = await submitApplication(buyer);
    await claim(reviewer, application.id);
    await runJobs(t);
    await inbox.waitFor(buyer.email, 2);

    const answers = await Promise.all([
      decide(reviewer, application.id, { outcome: 'reject', reasonCode: 'ID_MISMATCH' }),
      decide(reviewer, application.id, { outcome: 'request_info', reasonCode: 'ID_UNREADABLE' }),
      decide(reviewer, application.id, { outcome: 'approve' }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409]);
    for (const loser of answers.filter((a) => a.statusCode === 409)) expect(loser.json().error.code).toBe('STALE_APPLICATION');
    await runJobs(t);
    await new Promise((r) => setTimeout(r, 200));
    expect(inbox.messages.filter((m) => m.to === buyer.email)).toHaveLength(3);

    // Someone else deciding after the fact also gets STALE_APPLICATION.
    const late = await decide(admin, application.id, { outcome: 'approve' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('STALE_APPLICATION');
  });

  it('a decision made on an outdated version is refused', async () => {
    const { t, reviewer } = w;
    const application = await submitApplication(await createBuyer(t, 'version@example.com'));
    const claimed = (await claim(reviewer, application.id)).json();
    const stale = await decide(reviewer, application.id, { outcome: 'reject', reasonCode: 'OTHER', version: claimed.version - 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('STALE_APPLICATION');
    expect((await decide(reviewer, application.id, { outcome: 'reject', reasonCode: 'OTHER', version: claimed.version })).statusCode).toBe(200);
  });

  it('approval re-checks eligibility at that moment', async () => {
    const { t, reviewer } = w;
    const buyer = await createBuyer(t, 'late-dispute@example.com');
    const application = await submitApplication(buyer);
    await claim(reviewer, application.id);
    await dev(t, '/api/dev/shop/wallet', { userId: buyer.userId, balance: 8850 });

    const detail = (await reviewer.get(`/api/review/applications/${application.id}`)).json();
    expect(detail.eligibility.eligible).toBe(false);
    expect(detail.eligibility.blockers.map((b: { code: string }) => b.code)).toEqual(['WALLET_BALANCE']);
    expect(detail.documents).toEqual([{ documentId: expect.stringMatching(/^doc_/), kind: 'id_front' }]);
    expect(detail.application).toMatchObject({ id: application.id, status: 'in_review', reasonText: 'I moved to another shop near 42 Example Road.' });

    const approve = await decide(reviewer, application.id, { outcome: 'approve' });
    expect(approve.statusCode).toBe(409);
    expect(approve.json().error).toMatchObject({ code: 'CANCELLATION_BLOCKED', blockers: [expect.objectContaining({ code: 'WALLET_BALANCE' })] });
    expect(await statusOf(t, application.id)).toBe('in_review');
    const reject = await decide(reviewer, application.id, { outcome: 'reject', reasonCode: 'BLOCKERS_PRESENT' });
    expect(reject.statusCode).toBe(200);
    expect(reject.json().decision.message).toContain('Your request page lists each one');
  });

  it('risky applications need two different reviewers (four eyes)', async () => {
    const { t, inbox, reviewer, admin } = w;
    // A brand-new account is risky.
    const buyer = await createBuyer(t, 'newcomer@example.com', { fresh: true });
    const application = await submitApplication(buyer);
    await claim(reviewer, application.id);
    expect((await reviewer.get(`/api/review/applications/${application.id}`)).json().application.riskFlags).toEqual(['new_account']);

    const first = await decide(reviewer, application.id, { outcome: 'approve' });
    expect(first.statusCode).toBe(200);
    expect(first.json().status).toBe('in_review');
    expect(await t.ctx.db.select({ by: applications.firstApprovalBy }).from(applications).where(eq(applications.id, application.id))).toEqual([{ by: expect.any(String) }]);
    const again = await decide(reviewer, application.id, { outcome: 'approve' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SECOND_REVIEWER_REQUIRED');
    const queue = (await reviewer.get('/api/review/applications')).json().items;
    expect(queue[0]).toMatchObject({ id: application.id, needsOtherReviewer: true, riskFlags: ['new_account'] });

    await runJobs(t);
    const secondReviewMail = await mailTo(inbox, 'admin@example.com', 1, { antiPhishing: null });
    expect(secondReviewMail.subject).toBe('A closure request needs a second approval');

    await claim(admin, application.id);
    const second = await decide(admin, application.id, { outcome: 'approve' });
    expect(second.statusCode).toBe(200);
    expect(second.json().status).toBe('grace');
    // The buyer's timeline does not show the four-eyes bookkeeping.
    const timeline = (await buyer.client.get('/api/cancellation')).json().application.timeline.map((e: { event: string }) => e.event);
    expect(timeline).toEqual(['submitted', 'in_review', 'approved', 'grace_started']);
  });

  it('flags a recent contact change and many failed sign-ins as risky', async () => {
    const { t } = w;
    const changed = await createBuyer(t, 'changed@example.com');
    await t.ctx.db.update(users).set({ contactChangedAt: new Date(t.ctx.clock.now().getTime() - 2 * 86_400_000) }).where(eq(users.id, changed.userId));
    const a = await submitApplication(changed);

    const guessed = await createBuyer(t, 'guessed@example.com');
    for (let i = 0; i < 5; i++) await new Client(t.app, `10.0.0.${i + 1}`).post('/api/auth/login', { identifier: 'guessed@example.com', password: 'wrong password!' });
    const b = await submitApplication(guessed);

    const rows = await t.ctx.db.select({ id: applications.id, flags: applications.riskFlags }).from(applications);
    expect(rows.find((r) => r.id === a.id)!.flags).toEqual(['contact_changed']);
    expect(rows.find((r) => r.id === b.id)!.flags).toEqual(['failed_sign_ins']);
  });

  it('builds messages from guidance templates that admins edit, in the buyer’s language', async () => {
    const { t, inbox, reviewer, admin } = w;
    const list = await reviewer.get('/api/review/guidance-templates');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toContainEqual(expect.objectContaining({ reasonCode: 'ID_UNREADABLE', locale: 'zh-CN', edited: false }));

    const refused = await reviewer.request('PUT', '/api/review/guidance-templates', { items: [{ reasonCode: 'ID_UNREADABLE', locale: 'en', body: 'x' }] });
    expect(refused.statusCode).toBe(403);
    const edited = await admin.request('PUT', '/api/review/guidance-templates', {
      items: [
        { reasonCode: 'ID_UNREADABLE', locale: 'en', body: 'Photograph the card flat on a dark table, all corners in view.' },
        { reasonCode: 'ID_UNREADABLE', locale: 'zh-CN', body: '请将证件平放在深色桌面上拍摄，四角完整。' },
      ],
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().items).toContainEqual(expect.objectContaining({ reasonCode: 'ID_UNREADABLE', locale: 'en', edited: true }));

    const buyer = await createBuyer(t, 'zh@example.com', { locale: 'zh-CN', displayName: '王 小明' });
    const application = await submitApplication(buyer);
    await claim(reviewer, application.id);
    const rejected = await decide(reviewer, application.id, { outcome: 'reject', reasonCode: 'ID_UNREADABLE' });
    expect(rejected.json().decision.message).toBe('请将证件平放在深色桌面上拍摄，四角完整。');
    await runJobs(t);
    const mails = await inbox.waitFor(buyer.email, 3);
    const mail = mails.find((m) => m.subject === '您的账户注销申请未获通过')!;
    expect(mail).toBeDefined();
    expect(mail.text).toContain('身份证件无法辨认');
    expect(mail.text).toContain('请将证件平放在深色桌面上拍摄');
    expect(mail.text).toContain('王，您好');
    expect(mail.text).not.toContain('小明');
    expect(mail.text).toContain('Kite7');

    // An empty body restores the default.
    const restored = await admin.request('PUT', '/api/review/guidance-templates', { items: [{ reasonCode: 'ID_UNREADABLE', locale: 'en', body: '' }] });
    expect(restored.json().items).toContainEqual(expect.objectContaining({ reasonCode: 'ID_UNREADABLE', locale: 'en', edited: false }));
    const badCode = await decide(reviewer, application.id, { outcome: 'reject', reasonCode: 'NOPE' });
    expect(badCode.statusCode).toBe(422);
  });

  it('reminds reviewers at 80 % of the deadline, marks the breach once, and reports it', async () => {
    const { t, inbox, reviewer, admin } = w;
    const buyer = await createBuyer(t, 'slow@example.com');
    const application = await submitApplication(buyer);
    expect(application.dueAt).toBe('2026-03-23T15:59:59.999Z');

    // Sixteen calendar days later only 11 of 15 working days are gone: no reminder yet.
    await advance(t, 'P16D');
    await runJobs(t);
    expect(inbox.messages.filter((m) => m.to === 'reviewer@example.com')).toHaveLength(0);

    // After the 12th working day (Wednesday 18 March, Shanghai) reviewers are reminded, once.
    await advance(t, 'PT14H');
    await runJobs(t);
    const reminder = await mailTo(inbox, 'reviewer@example.com', 1, { antiPhishing: null });
    expect(reminder.subject).toBe('1 closure request is near its deadline');
    expect(reminder.text).toContain('due on March 23, 2026');
    expect(reminder.text).toContain(`http://adieu.test/review/${application.id}`);
    await mailTo(inbox, 'admin@example.com', 1, { antiPhishing: null });
    await runJobs(t);
    await new Promise((r) => setTimeout(r, 100));
    expect(inbox.messages.filter((m) => m.to === 'reviewer@example.com')).toHaveLength(1);

    // Past the deadline: marked breached, once.
    await advance(t, 'P6D');
    await runJobs(t);
    const breach = await mailTo(inbox, 'reviewer@example.com', 2, { antiPhishing: null });
    expect(breach.subject).toBe('1 closure request is past its deadline');
    await runJobs(t);
    const [row] = await t.ctx.db.select({ breachedAt: applications.slaBreachedAt, remindedAt: applications.slaReminderSentAt }).from(applications).where(eq(applications.id, application.id));
    expect(row.breachedAt).not.toBeNull();
    expect(row.remindedAt).not.toBeNull();
    expect(inbox.messages.filter((m) => m.to === 'reviewer@example.com')).toHaveLength(2);

    await signInStaff(reviewer, ...REVIEWER);
    expect((await reviewer.get('/api/review/applications')).json().items[0]).toMatchObject({ id: application.id, slaBreached: true });
    expect((await reviewer.get('/api/admin/reports/sla')).statusCode).toBe(403);
    await claim(reviewer, application.id);
    await decide(reviewer, application.id, { outcome: 'reject', reasonCode: 'OTHER' });

    await signInStaff(admin, ...ADMIN);
    const report = await admin.get('/api/admin/reports/sla');
    expect(report.statusCode).toBe(200);
    const body = report.json();
    expect(body.countsByStatus).toMatchObject({ rejected: 1, submitted: 0, in_review: 0 });
    expect(body.breaches).toEqual({ total: 1, open: 0, inWindow: 1 });
    expect(body.decisions).toBe(1);
    // Submitted Monday 2 March, decided Wednesday 25 March (Shanghai): 17 working days.
    expect(body.medianWorkingDaysToDecision).toBe(17);
    expect(body.medianDaysToDecision).toBeGreaterThan(22);
    expect(body.applicationsPerDay).toHaveLength(31);
    expect(body.applicationsPerDay.find((d: { date: string }) => d.date === '2026-03-02')).toEqual({ date: '2026-03-02', count: 1 });
    expect(body.reasons).toEqual([{ reasonCode: 'PRIVACY_CONCERN', count: 1 }]);
    expect(body.decisionReasons).toEqual([{ outcome: 'rejected', reasonCode: 'OTHER', count: 1 }]);
  });

  it('marks an application erased for the erasure engine, once', async () => {
    const { t, reviewer } = w;
    const buyer = await createBuyer(t, 'erase@example.com');
    const application = await submitApplication(buyer);
    await claim(reviewer, application.id);
    await decide(reviewer, application.id, { outcome: 'approve' });
    // Move it to erasing by hand, as the grace timer would, without running the engine.
    await t.ctx.db.update(applications).set({ status: 'erasing' }).where(eq(applications.id, application.id));
    await t.ctx.db.transaction((tx) => markApplicationErased(t.ctx, tx, application.id, 'cert_test'));
    await t.ctx.db.transaction((tx) => markApplicationErased(t.ctx, tx, application.id, 'cert_test'));
    const [row] = await t.ctx.db.select().from(applications).where(eq(applications.id, application.id));
    expect(row).toMatchObject({ status: 'erased', certificateId: 'cert_test' });
    expect(row.erasedAt).not.toBeNull();
    const timeline = (await reviewer.get(`/api/review/applications/${application.id}`)).json().application.timeline;
    expect(timeline.filter((e: { event: string }) => e.event === 'erased')).toEqual([{ at: expect.any(String), event: 'erased', detail: { certificateId: 'cert_test' } }]);
  });
});
