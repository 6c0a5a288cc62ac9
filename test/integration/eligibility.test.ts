import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { checkEligibility, type EligibilityReport } from '../../src/eligibility/check-eligibility.ts';
import { AppError } from '../../src/errors.ts';

async function signedIn(t: TestApp, email: string): Promise<{ client: Client; userId: string }> {
  const client = new Client(t.app);
  const login = await client.signIn(email, DEMO_PASSWORD);
  return { client, userId: login.json().user.id };
}

const codes = (list: { code: string }[]) => list.map((b) => b.code).sort();

describe.each(DATABASE_KINDS)('eligibility (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  it('finds Ada eligible, with warnings about her coupons and points, and explains the consequences', async () => {
    const { client } = await signedIn(t, 'ada@example.com');
    const response = await client.get('/api/cancellation/eligibility');
    expect(response.statusCode).toBe(200);
    const report: EligibilityReport = response.json();
    expect(report.eligible).toBe(true);
    expect(report.blockers).toEqual([]);
    expect(codes(report.warnings)).toEqual(['POINTS_FORFEITED', 'UNUSED_COUPONS']);
    const coupons = report.warnings.find((w) => w.code === 'UNUSED_COUPONS')!;
    // Two valid unused coupons (¥20 + ¥5); the used one and the expired one do not count.
    expect(coupons).toMatchObject({ count: 2, amount: { value: 2500, currency: 'CNY' }, link: '/account/wallet' });
    expect(coupons.detail).toContain('25.00');
    expect(coupons.resolveHint.length).toBeGreaterThan(10);
    expect(report.warnings.find((w) => w.code === 'POINTS_FORFEITED')).toMatchObject({ count: 1280, title: '1,280 points will be forfeited' });
    expect(report.consequences.length).toBeGreaterThanOrEqual(5);
    expect(report.consequences.join(' ')).toMatch(/3 years/);
    expect(report.consequences.join(' ')).toMatch(/Article 31/);
    expect(report.consequences.join(' ')).toMatch(/cannot be undone/);
    expect(report.consequences.join(' ')).toMatch(/7 days/);
  });

  it('blocks Ben for his order awaiting shipment and his shipped order', async () => {
    const { client } = await signedIn(t, 'ben@example.com');
    const report: EligibilityReport = (await client.get('/api/cancellation/eligibility')).json();
    expect(report.eligible).toBe(false);
    expect(codes(report.blockers)).toEqual(['PENDING_ORDERS']);
    const pending = report.blockers[0];
    expect(pending).toMatchObject({ count: 2, title: '2 orders are not finished yet', link: '/account/orders?status=pending' });
    expect(pending.detail).toContain('1 awaiting shipment');
    expect(pending.detail).toContain('1 shipped');
    expect(pending.resolveHint).toMatch(/confirm receipt/i);
  });

  it('blocks Cai for the open dispute and the wallet balance, in Chinese (her account language)', async () => {
    const { client } = await signedIn(t, 'cai@example.com');
    const report: EligibilityReport = (await client.get('/api/cancellation/eligibility')).json();
    expect(report.eligible).toBe(false);
    expect(codes(report.blockers)).toEqual(['OPEN_DISPUTES', 'WALLET_BALANCE']);
    const wallet = report.blockers.find((b) => b.code === 'WALLET_BALANCE')!;
    expect(wallet).toMatchObject({ amount: { value: 8850, currency: 'CNY' }, link: '/account/wallet', title: '您的钱包中仍有余额' });
    expect(wallet.detail).toContain('¥88.50');
    expect(report.blockers.find((b) => b.code === 'OPEN_DISPUTES')).toMatchObject({ count: 1, link: '/account/disputes' });
    expect(report.consequences.join('')).toContain('电子商务法');
    // An explicit locale wins over the account's.
    const english: EligibilityReport = (await client.get('/api/cancellation/eligibility?locale=en')).json();
    expect(english.blockers.find((b) => b.code === 'WALLET_BALANCE')!.title).toBe('Your wallet still holds money');
  });

  it('needs a signed-in buyer', async () => {
    const response = await new Client(t.app).get('/api/cancellation/eligibility');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_REQUIRED');
  });

  it('makes every blocker and warning appear and disappear as the marketplace changes', async () => {
    const signup = await new Client(t.app).post('/api/auth/signup', { email: 'dora@example.com', password: 'a long enough passphrase', displayName: 'Dora' });
    const userId: string = signup.json().userId;
    const client = new Client(t.app);
    await client.signIn('dora@example.com', 'a long enough passphrase');
    const dev = new Client(t.app);
    const check = async (): Promise<EligibilityReport> => (await client.get('/api/cancellation/eligibility')).json();

    let report = await check();
    expect(report).toMatchObject({ eligible: true, blockers: [], warnings: [] });

    // Each pending status blocks; completing the order clears it.
    for (const status of ['awaiting_payment', 'awaiting_shipment', 'shipped'] as const) {
      const order = await dev.post('/api/dev/shop/orders', { userId, status, total: 1999 });
      expect(order.statusCode).toBe(201);
      report = await check();
      expect(report.eligible).toBe(false);
      expect(report.blockers).toEqual([expect.objectContaining({ code: 'PENDING_ORDERS', count: 1 })]);
      expect((await dev.patch(`/api/dev/shop/orders/${order.json().orderId}`, { status: status === 'awaiting_payment' ? 'closed' : 'completed' })).statusCode).toBe(200);
      expect((await check()).eligible).toBe(true);
    }
    // Finished orders never block.
    await dev.post('/api/dev/shop/orders', { userId, status: 'completed', total: 100 });
    await dev.post('/api/dev/shop/orders', { userId, status: 'closed', total: 100 });
    expect((await check()).eligible).toBe(true);

    const dispute = await dev.post('/api/dev/shop/disputes', { userId });
    expect(dispute.statusCode).toBe(201);
    expect(codes((await check()).blockers)).toEqual(['OPEN_DISPUTES']);
    await dev.patch(`/api/dev/shop/disputes/${dispute.json().disputeId}`, { status: 'closed' });
    expect((await check()).eligible).toBe(true);

    const refund = await dev.post('/api/dev/shop/refunds', { userId, amount: 4500 });
    expect(refund.statusCode).toBe(201);
    report = await check();
    expect(report.blockers).toEqual([expect.objectContaining({ code: 'REFUNDS_IN_PROGRESS', count: 1, amount: { value: 4500, currency: 'CNY' }, link: '/account/refunds' })]);
    await dev.patch(`/api/dev/shop/refunds/${refund.json().refundId}`, { status: 'done' });
    expect((await check()).eligible).toBe(true);

    expect((await dev.post('/api/dev/shop/wallet', { userId, balance: 12000 })).statusCode).toBe(200);
    report = await check();
    expect(report.blockers).toEqual([expect.objectContaining({ code: 'WALLET_BALANCE', amount: { value: 12000, currency: 'CNY' } })]);
    // The buyer resolves it: withdraws the balance.
    const withdraw = await client.post('/api/shop/wallet/withdraw');
    expect(withdraw.json()).toMatchObject({ balance: 0, withdrawn: 12000 });
    expect((await check()).eligible).toBe(true);

    const subscription = await dev.post('/api/dev/shop/subscriptions', { userId, planName: 'Video add-on', price: 2500 });
    expect(subscription.statusCode).toBe(201);
    report = await check();
    expect(report.blockers).toEqual([expect.objectContaining({ code: 'ACTIVE_SUBSCRIPTION', count: 1, amount: { value: 2500, currency: 'CNY' }, link: '/account/subscriptions' })]);
    expect((await client.post(`/api/shop/subscriptions/${subscription.json().subscriptionId}/cancel`)).statusCode).toBe(200);
    expect((await check()).eligible).toBe(true);

    // Warnings: never block, and only unused, unexpired coupons count.
    const coupon = await dev.post('/api/dev/shop/coupons', { userId, value: 1000 });
    expect(coupon.statusCode).toBe(201);
    await dev.post('/api/dev/shop/coupons', { userId, value: 5000, expiresAt: new Date(t.ctx.clock.now().getTime() - 1000).toISOString() });
    await dev.post('/api/dev/shop/coupons', { userId, value: 5000, status: 'used' });
    report = await check();
    expect(report.eligible).toBe(true);
    expect(report.warnings).toEqual([expect.objectContaining({ code: 'UNUSED_COUPONS', count: 1, amount: { value: 1000, currency: 'CNY' } })]);
    await dev.patch(`/api/dev/shop/coupons/${coupon.json().couponId}`, { status: 'used' });
    expect((await check()).warnings).toEqual([]);

    expect((await dev.post('/api/dev/shop/points', { userId, points: 1 })).statusCode).toBe(200);
    report = await check();
    expect(report.warnings).toEqual([expect.objectContaining({ code: 'POINTS_FORFEITED', count: 1, title: '1 point will be forfeited' })]);
    await dev.post('/api/dev/shop/points', { userId, points: 0 });
    expect((await check()).warnings).toEqual([]);
  });

  it('counts a coupon as expired once the service clock passes its expiry', async () => {
    const { client, userId } = await signedIn(t, 'ada@example.com');
    expect((await client.get('/api/cancellation/eligibility')).json().warnings.find((w: { code: string }) => w.code === 'UNUSED_COUPONS').count).toBe(2);
    await new Client(t.app).post('/api/dev/clock', { advance: 'P30D' });
    const report: EligibilityReport = await checkEligibility(t.ctx, t.ctx.db, userId);
    // WELCOME20 (60 days) is left; TEA5OFF (20 days) has expired.
    expect(report.warnings.find((w) => w.code === 'UNUSED_COUPONS')).toMatchObject({ count: 1, amount: { value: 2000 } });
  });

  it('answers NOT_FOUND for a user that does not exist', async () => {
    const error = await checkEligibility(t.ctx, t.ctx.db, 'usr_never_seen').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, details: { resource: 'user' }, message: 'No such user.' });
  });

  it('reads through the caller’s transaction and sees its uncommitted writes', async () => {
    const { userId } = await signedIn(t, 'ada@example.com');
    await t.ctx.db
      .transaction(async (tx) => {
        const { shopDisputes } = await import('../../src/shop/shop.tables.ts');
        await tx.insert(shopDisputes).values({ id: 'dsp_tx', buyerId: userId, status: 'open', openedAt: t.ctx.clock.now() });
        const inside = await checkEligibility(t.ctx, tx, userId, 'en');
        expect(codes(inside.blockers)).toEqual(['OPEN_DISPUTES']);
        throw new Error('roll back');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'));
    expect((await checkEligibility(t.ctx, t.ctx.db, userId)).eligible).toBe(true);
  });
});
