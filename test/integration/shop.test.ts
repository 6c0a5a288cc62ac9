import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { shopShippingAddresses } from '../../src/shop/shop.tables.ts';

async function signedIn(t: TestApp, email: string): Promise<{ client: Client; userId: string }> {
  const client = new Client(t.app);
  const login = await client.signIn(email, DEMO_PASSWORD);
  return { client, userId: login.json().user.id };
}

describe.each(DATABASE_KINDS)('demo marketplace (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  it('shows the buyer an overview of their own marketplace account only', async () => {
    const ada = await signedIn(t, 'ada@example.com');
    const overview = (await ada.client.get('/api/shop/overview')).json();
    expect(overview.orders).toEqual({ total: 5, pending: 0, byStatus: { awaiting_payment: 0, awaiting_shipment: 0, shipped: 0, completed: 4, closed: 1 } });
    expect(overview.recentOrders).toHaveLength(5);
    expect(overview.recentOrders[0]).toMatchObject({ status: 'completed', total: { value: 7800, currency: 'CNY', formatted: expect.stringContaining('78.00') } });
    expect(overview).toMatchObject({ coupons: { unused: 2 }, points: 1280, openDisputes: 0, refundsInProgress: 0, activeSubscriptions: 0, wallet: { value: 0 } });

    const ben = await signedIn(t, 'ben@example.com');
    const benOverview = (await ben.client.get('/api/shop/overview')).json();
    expect(benOverview.orders).toMatchObject({ total: 3, pending: 2, byStatus: { awaiting_shipment: 1, shipped: 1, completed: 1 } });
    expect(benOverview.recentOrders.map((o: { id: string }) => o.id)).not.toContain(overview.recentOrders[0].id);

    const cai = await signedIn(t, 'cai@example.com');
    expect((await cai.client.get('/api/shop/overview')).json()).toMatchObject({ openDisputes: 1, wallet: { value: 8850, currency: 'CNY', formatted: '¥88.50' } });

    expect((await new Client(t.app).get('/api/shop/overview')).statusCode).toBe(401);
  });

  it('lists orders by status, pending together, with items and addresses, page by page', async () => {
    const ben = await signedIn(t, 'ben@example.com');
    const pending = (await ben.client.get('/api/shop/orders?status=pending')).json();
    expect(pending.items.map((o: { status: string }) => o.status).sort()).toEqual(['awaiting_shipment', 'shipped']);
    const shipped = pending.items.find((o: { status: string }) => o.status === 'shipped');
    expect(shipped.items).toHaveLength(2);
    expect(shipped.shippingAddress).toMatchObject({ name: 'Ben Zhang', city: 'Beijing' });
    expect((await ben.client.get('/api/shop/orders?status=completed')).json().items).toHaveLength(1);

    const ada = await signedIn(t, 'ada@example.com');
    const first = (await ada.client.get('/api/shop/orders?limit=2')).json();
    expect(first.items).toHaveLength(2);
    const second = (await ada.client.get(`/api/shop/orders?limit=2&cursor=${first.nextCursor}`)).json();
    const third = (await ada.client.get(`/api/shop/orders?limit=2&cursor=${second.nextCursor}`)).json();
    expect(third.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items, ...third.items].map((o: { id: string }) => o.id);
    expect(new Set(ids).size).toBe(5);
    const placed = [...first.items, ...second.items, ...third.items].map((o: { placedAt: string }) => o.placedAt);
    expect([...placed].sort().reverse()).toEqual(placed);

    const bad = await ada.client.get('/api/shop/orders?cursor=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('CURSOR_INVALID');
    expect((await ada.client.get('/api/shop/orders?status=lost')).statusCode).toBe(422);
  });

  it('creates orders with the dev tools, with an address stored as the platform would', async () => {
    const { client, userId } = await signedIn(t, 'ada@example.com');
    const dev = new Client(t.app);
    const created = await dev.post('/api/dev/shop/orders', {
      userId,
      status: 'awaiting_payment',
      total: 12345,
      shippingAddress: { name: 'Ada Lovelace', phone: '+8613800000001', line1: '2 Nanjing Road', city: 'Shanghai', country: 'CN' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().orderId).toMatch(/^ord_/);
    const [address] = await t.ctx.db.select().from(shopShippingAddresses).where(eq(shopShippingAddresses.line1, '2 Nanjing Road'));
    expect(address).toMatchObject({ buyerId: userId, name: 'Ada Lovelace', city: 'Shanghai' });
    const list = (await client.get('/api/shop/orders?status=awaiting_payment')).json();
    expect(list.items).toEqual([expect.objectContaining({ id: created.json().orderId, total: expect.objectContaining({ value: 12345 }), shippingAddress: expect.objectContaining({ line1: '2 Nanjing Road' }) })]);
  });

  it('validates dev-tool input: unknown buyers and orders are 404, amounts are integers in minor units', async () => {
    const { userId } = await signedIn(t, 'ada@example.com');
    const dev = new Client(t.app);
    const unknown = await dev.post('/api/dev/shop/orders', { userId: 'usr_nobody', status: 'completed', total: 100 });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    for (const path of ['/api/dev/shop/disputes', '/api/dev/shop/refunds', '/api/dev/shop/subscriptions', '/api/dev/shop/coupons']) {
      expect((await dev.post(path, { userId: 'usr_nobody', amount: 1, value: 1 })).statusCode).toBe(404);
    }
    expect((await dev.post('/api/dev/shop/wallet', { userId: 'usr_nobody', balance: 1 })).statusCode).toBe(404);
    expect((await dev.post('/api/dev/shop/points', { userId: 'usr_nobody', points: 1 })).statusCode).toBe(404);
    expect((await dev.patch('/api/dev/shop/orders/ord_nothing', { status: 'completed' })).statusCode).toBe(404);
    const fractional = await dev.post('/api/dev/shop/orders', { userId, status: 'completed', total: 19.99 });
    expect(fractional.statusCode).toBe(422);
    expect(fractional.json().error.fields.total).toMatch(/minor units/);
    expect((await dev.post('/api/dev/shop/orders', { userId, status: 'lost', total: 100 })).statusCode).toBe(422);
    expect((await dev.post('/api/dev/shop/wallet', { userId, balance: -5 })).statusCode).toBe(422);
    // A dispute about someone else's order is refused like an unknown order.
    const ben = await signedIn(t, 'ben@example.com');
    const benOrder = (await dev.post('/api/dev/shop/orders', { userId: ben.userId, status: 'completed', total: 100 })).json().orderId;
    expect((await dev.post('/api/dev/shop/disputes', { userId, orderId: benOrder })).statusCode).toBe(404);
  });

  it('lets a buyer confirm receipt or cancel their own orders, not anyone else’s', async () => {
    const ben = await signedIn(t, 'ben@example.com');
    const shipped = (await ben.client.get('/api/shop/orders?status=shipped')).json().items[0].id;
    const ada = await signedIn(t, 'ada@example.com');
    const foreign = await ada.client.post(`/api/shop/orders/${shipped}/confirm-receipt`);
    expect(foreign.statusCode).toBe(404);

    const confirmed = await ben.client.post(`/api/shop/orders/${shipped}/confirm-receipt`);
    expect(confirmed.json()).toEqual({ orderId: shipped, status: 'completed' });
    // A repeat (double click) answers the same.
    expect((await ben.client.post(`/api/shop/orders/${shipped}/confirm-receipt`)).json()).toEqual({ orderId: shipped, status: 'completed' });
    const cancel = await ben.client.post(`/api/shop/orders/${shipped}/cancel`);
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json().error.code).toBe('INVALID_TRANSITION');

    const unpaid = (await new Client(t.app).post('/api/dev/shop/orders', { userId: ben.userId, status: 'awaiting_payment', total: 500 })).json().orderId;
    expect((await ben.client.post(`/api/shop/orders/${unpaid}/cancel`)).json()).toEqual({ orderId: unpaid, status: 'closed' });
    // CSRF applies to the buyer's moves like to any other.
    const forged = await ben.client.request('POST', `/api/shop/orders/${unpaid}/cancel`, {}, { 'x-csrf-token': 'forged' });
    expect(forged.statusCode).toBe(403);
  });

  it('refuses a frozen account new orders, subscriptions and top-ups, but lets it settle what is open', async () => {
    const ben = await signedIn(t, 'ben@example.com');
    const dev = new Client(t.app);
    await dev.post('/api/dev/shop/wallet', { userId: ben.userId, balance: 3000 });
    const shipped = (await ben.client.get('/api/shop/orders?status=shipped')).json().items[0].id;
    // What the cancellation workflow does on approval.
    await t.ctx.db.update(users).set({ status: 'frozen' }).where(eq(users.id, ben.userId));

    const order = await dev.post('/api/dev/shop/orders', { userId: ben.userId, status: 'awaiting_payment', total: 100 });
    expect(order.statusCode).toBe(409);
    expect(order.json().error).toMatchObject({ code: 'ACCOUNT_FROZEN', message: expect.stringMatching(/being closed/) });
    const topUp = await dev.post('/api/dev/shop/wallet', { userId: ben.userId, balance: 5000 });
    expect(topUp.statusCode).toBe(409);
    expect(topUp.json().error.code).toBe('ACCOUNT_FROZEN');
    expect((await dev.post('/api/dev/shop/subscriptions', { userId: ben.userId })).json().error.code).toBe('ACCOUNT_FROZEN');
    expect((await ben.client.get('/api/shop/overview')).json().wallet.value).toBe(3000);

    // The platform may still lower the balance, finish the shipped order and open disputes.
    expect((await dev.post('/api/dev/shop/wallet', { userId: ben.userId, balance: 1000 })).statusCode).toBe(200);
    expect((await dev.patch(`/api/dev/shop/orders/${shipped}`, { status: 'completed' })).statusCode).toBe(200);
    expect((await dev.post('/api/dev/shop/disputes', { userId: ben.userId, orderId: shipped })).statusCode).toBe(201);
    // The buyer, during grace, only reads (and may withdraw the request).
    expect((await ben.client.get('/api/shop/overview')).json()).toMatchObject({ wallet: { value: 1000 }, openDisputes: 1 });
    expect((await ben.client.post('/api/shop/wallet/withdraw')).json().error.code).toBe('ACCOUNT_FROZEN');

    // Back to active (a withdrawn request): orders are accepted again.
    await t.ctx.db.update(users).set({ status: 'active' }).where(eq(users.id, ben.userId));
    expect((await dev.post('/api/dev/shop/orders', { userId: ben.userId, status: 'awaiting_payment', total: 100 })).statusCode).toBe(201);
  });

  it.runIf(kind === 'postgres')('serialises a new order with a concurrent freeze: the order waits for the freeze, then is refused', async () => {
    const ben = await signedIn(t, 'ben@example.com');
    const pg = await import('pg');
    const approval = new pg.default.Client({ connectionString: t.testDb.url });
    await approval.connect();
    try {
      await approval.query('BEGIN');
      await approval.query(`UPDATE users SET status = 'frozen' WHERE id = $1`, [ben.userId]);
      let settled = false;
      const order = new Client(t.app).post('/api/dev/shop/orders', { userId: ben.userId, status: 'awaiting_payment', total: 100 }).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await approval.query('COMMIT');
      const response = await order;
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('ACCOUNT_FROZEN');
    } finally {
      await approval.end();
    }
  });

  it('shows the wallet page: balance, points and coupons (unused first, expired marked)', async () => {
    const ada = await signedIn(t, 'ada@example.com');
    const wallet = (await ada.client.get('/api/shop/wallet')).json();
    expect(wallet.points).toBe(1280);
    expect(wallet.coupons.map((c: { status: string }) => c.status)).toEqual(['unused', 'unused', 'expired', 'used']);
    expect((await ada.client.get('/api/shop/disputes')).json().items).toEqual([expect.objectContaining({ status: 'closed' })]);
    expect((await ada.client.get('/api/shop/refunds')).json().items).toEqual([expect.objectContaining({ status: 'done', amount: expect.objectContaining({ value: 15900 }) })]);
    expect((await ada.client.get('/api/shop/subscriptions')).json().items).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });
});
