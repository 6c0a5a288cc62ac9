import type { AppContext } from '../../src/context.ts';
import { newId } from '../../src/ids.ts';
import { applications } from '../../src/cancellation/cancellation.tables.ts';
import { exec } from './seed-sql.ts';

/** What one buyer holds in the marketplace, scaled from `orders`. */
export interface BuyerShape {
  orders: number;
  itemsPerOrder: number;
  addresses: number;
  reviews: number;
  messages: number;
  browsing: number;
  coupons: number;
  disputes: number;
}

export const heavyBuyer = (orders: number): BuyerShape => ({
  orders,
  itemsPerOrder: 3,
  addresses: 5,
  reviews: Math.round(orders / 5),
  messages: Math.round(orders / 2.5),
  browsing: Math.round(orders / 2.5),
  coupons: 10,
  disputes: 20,
});

/** A typical buyer of the bulk run: a year or two of shopping. */
export const typicalBuyer: BuyerShape = { orders: 20, itemsPerOrder: 2, addresses: 2, reviews: 5, messages: 8, browsing: 40, coupons: 2, disputes: 1 };

/**
 * The marketplace rows of the buyers `ids` (all the same shape), set-based: one INSERT … SELECT per
 * table over unnest(ids) × generate_series. Row ids derive from the buyer id, so they never clash.
 * Personal data is in the clear, as the platform holds it (names, phones, free text).
 */
export async function seedShopFor(ctx: AppContext, ids: string[], shape: BuyerShape): Promise<void> {
  const db = ctx.database;
  const per = (n: number) => `unnest($1::text[]) AS b(id), generate_series(1, ${Math.max(0, n)}) AS g`;
  await exec(
    db,
    `INSERT INTO shop.shipping_addresses (id, buyer_id, name, phone, line1, city, country, created_at)
     SELECT 'adr_' || b.id || '_' || g, b.id, 'Bench Person ' || g, '+86138' || lpad((g * 7919 % 100000000)::text, 8, '0'), g || ' Bench Road', 'Shanghai', 'CN', now() - interval '2 years'
     FROM ${per(shape.addresses)}`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.orders (id, buyer_id, status, total_minor, currency, shipping_address_id, placed_at, completed_at, updated_at)
     SELECT 'ord_' || b.id || '_' || g, b.id, 'completed', 1000 + (g * 37) % 90000, 'CNY', 'adr_' || b.id || '_' || (1 + g % ${shape.addresses}),
            now() - (g || ' minutes')::interval - interval '10 days', now() - (g || ' minutes')::interval - interval '7 days', now() - interval '7 days'
     FROM ${per(shape.orders)}`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.order_items (id, order_id, product_name, qty, price_minor)
     SELECT 'itm_' || b.id || '_' || g || '_' || k, 'ord_' || b.id || '_' || g, 'Product ' || (g * k) % 997, 1 + k % 3, 500 + (g * k) % 5000
     FROM ${per(shape.orders)}, generate_series(1, ${shape.itemsPerOrder}) AS k`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.payments (id, order_id, buyer_id, amount_minor, currency, method, status, paid_at)
     SELECT 'pay_' || b.id || '_' || g, 'ord_' || b.id || '_' || g, b.id, 1000 + (g * 37) % 90000, 'CNY', 'card', 'paid', now() - (g || ' minutes')::interval - interval '10 days'
     FROM ${per(shape.orders)}`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.product_reviews (id, buyer_id, order_id, product_name, rating, body, created_at)
     SELECT 'rev_' || b.id || '_' || g, b.id, 'ord_' || b.id || '_' || (1 + g % ${Math.max(1, shape.orders)}), 'Product ' || g % 997, 1 + g % 5,
            'Arrived quickly, my wife Mei loved it. Call me on +86 138 0000 ' || lpad((g % 10000)::text, 4, '0'), now() - (g || ' hours')::interval
     FROM ${per(shape.reviews)}`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.seller_messages (id, buyer_id, order_id, seller_name, direction, body, sent_at)
     SELECT 'sm_' || b.id || '_' || g, b.id, 'ord_' || b.id || '_' || (1 + g % ${Math.max(1, shape.orders)}), 'Seller ' || g % 50,
            CASE WHEN g % 2 = 0 THEN 'to_seller' ELSE 'from_seller' END, 'Please deliver to the back door, ask for Li ' || g, now() - (g || ' hours')::interval
     FROM ${per(shape.messages)}`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.browsing_history (id, buyer_id, product_name, viewed_at)
     SELECT 'bh_' || b.id || '_' || g, b.id, 'Product ' || g % 997, now() - (g || ' minutes')::interval FROM ${per(shape.browsing)}`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.coupons (id, buyer_id, code, value_minor, currency, status, expires_at, issued_at)
     SELECT 'cpn_' || b.id || '_' || g, b.id, 'FRIEND-' || upper(substr(md5(b.id || g), 1, 8)), 500, 'CNY', 'used', now() - interval '1 day', now() - interval '90 days'
     FROM ${per(shape.coupons)}`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.disputes (id, buyer_id, order_id, status, reason, opened_at, closed_at)
     SELECT 'dsp_' || b.id || '_' || g, b.id, 'ord_' || b.id || '_' || g, 'closed', 'The parcel was left with my neighbour Wang', now() - interval '60 days', now() - interval '50 days'
     FROM ${per(shape.disputes)}`,
    [ids],
  );
  await exec(
    db,
    `INSERT INTO shop.wallets (buyer_id, balance_minor, currency, updated_at) SELECT b.id, 0, 'CNY', now() FROM unnest($1::text[]) AS b(id);
     `.trim(),
    [ids],
  );
  await exec(db, `INSERT INTO shop.points_balances (buyer_id, points, updated_at) SELECT b.id, 120, now() FROM unnest($1::text[]) AS b(id)`, [ids]);
}

/** An application whose grace has ended and whose erasure is about to start (as end-grace leaves it). */
export async function insertErasingApplication(ctx: AppContext, userId: string): Promise<string> {
  const id = newId('app');
  const now = ctx.clock.now();
  const submitted = new Date(now.getTime() - 20 * 86_400_000);
  await ctx.db.insert(applications).values({
    id,
    userId,
    status: 'erasing',
    version: 5,
    reasonCode: 'NO_LONGER_USE',
    submittedAt: submitted,
    cycleStartedAt: submitted,
    dueAt: new Date(submitted.getTime() + 21 * 86_400_000),
    slaRemindAt: new Date(submitted.getTime() + 17 * 86_400_000),
    decisionOutcome: 'approve',
    decisionReasonCode: 'APPROVED',
    decidedAt: new Date(now.getTime() - 8 * 86_400_000),
    graceEndsAt: new Date(now.getTime() - 86_400_000),
    updatedAt: now,
  });
  return id;
}
