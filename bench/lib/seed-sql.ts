import type { Database } from '../../src/db/database.ts';

/**
 * Set-based seeding for large data sets: one INSERT … SELECT generate_series per table, no row
 * loops, so a million rows take seconds on PostgreSQL. Ids are readable and deterministic
 * (`<prefix><n>`), so a scenario can name any row without looking it up. These rows carry no
 * encrypted personal data: the scenarios that use them never decrypt.
 */

export async function exec(database: Database, text: string, values?: unknown[]): Promise<any[]> {
  const result = await database.executeSql(text, values);
  return Array.isArray(result) ? result.flatMap((r) => r.rows) : result.rows;
}

/** `count` buyers `usr_<prefix>1…`, subjects `sub_<prefix>1…`. */
export async function seedUsers(database: Database, prefix: string, count: number): Promise<void> {
  await exec(
    database,
    `INSERT INTO users (id, subject_id, roles, created_at)
     SELECT 'usr_${prefix}' || g, 'sub_${prefix}' || g, '{buyer}', now() - interval '400 days'
     FROM generate_series(1, ${count}) g`,
  );
}

export interface OrderSeed {
  buyerId: string;
  /** Order ids are `ord_<prefix><n>`. */
  prefix: string;
  count: number;
  /** Every n-th order is still `shipped` (a blocker); 0 for none. */
  pendingEvery?: number;
}

/** Orders of one buyer, mostly completed, spread over the last years. */
export async function seedOrders(database: Database, seed: OrderSeed): Promise<void> {
  const pending = seed.pendingEvery ? `CASE WHEN g % ${seed.pendingEvery} = 0 THEN 'shipped' ELSE 'completed' END` : `'completed'`;
  await exec(
    database,
    `INSERT INTO shop.orders (id, buyer_id, status, total_minor, currency, placed_at, completed_at, updated_at)
     SELECT 'ord_${seed.prefix}' || g, $1, ${pending}, 1000 + (g * 37) % 90000, 'CNY',
            now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval + interval '3 days', now()
     FROM generate_series(1, ${seed.count}) g`,
    [seed.buyerId],
  );
}

/** `perBuyer` completed orders for each of the buyers `usr_<userPrefix>1…count`: the neighbours. */
export async function seedNeighbourOrders(database: Database, userPrefix: string, buyers: number, perBuyer: number): Promise<void> {
  await exec(
    database,
    `INSERT INTO shop.orders (id, buyer_id, status, total_minor, currency, placed_at, completed_at, updated_at)
     SELECT 'ord_${userPrefix}' || b || '_' || o, 'usr_${userPrefix}' || b, CASE WHEN o % 50 = 0 THEN 'awaiting_shipment' ELSE 'completed' END,
            500 + (b * o) % 20000, 'CNY', now() - (o || ' days')::interval, now() - (o || ' days')::interval + interval '2 days', now()
     FROM generate_series(1, ${buyers}) b, generate_series(1, ${perBuyer}) o`,
  );
}

/**
 * The rest of a neighbour's marketplace, so that every shop table holds rows and the planner's
 * choices are those of a live system (on an empty table any plan is a sequential scan).
 */
export async function seedNeighbourExtras(database: Database, userPrefix: string, buyers: number): Promise<void> {
  await exec(
    database,
    `INSERT INTO shop.disputes (id, buyer_id, status, reason, opened_at, closed_at)
       SELECT 'dsp_${userPrefix}' || b || '_' || k, 'usr_${userPrefix}' || b, CASE WHEN k = 1 AND b % 10 = 0 THEN 'open' ELSE 'closed' END,
              'late delivery', now() - (k || ' days')::interval, CASE WHEN k = 1 AND b % 10 = 0 THEN NULL ELSE now() END
       FROM generate_series(1, ${buyers}) b, generate_series(1, 3) k;
     INSERT INTO shop.refunds (id, buyer_id, status, amount_minor, currency, requested_at, completed_at)
       SELECT 'rfd_${userPrefix}' || b || '_' || k, 'usr_${userPrefix}' || b, CASE WHEN k = 1 AND b % 7 = 0 THEN 'in_progress' ELSE 'done' END,
              1200, 'CNY', now() - (k || ' days')::interval, NULL
       FROM generate_series(1, ${buyers}) b, generate_series(1, 3) k;
     INSERT INTO shop.wallets (buyer_id, balance_minor, currency, updated_at)
       SELECT 'usr_${userPrefix}' || b, CASE WHEN b % 5 = 0 THEN 1500 ELSE 0 END, 'CNY', now() FROM generate_series(1, ${buyers}) b;
     INSERT INTO shop.subscriptions (id, buyer_id, plan_name, status, price_minor, currency, started_at)
       SELECT 'sub_${userPrefix}' || b, 'usr_${userPrefix}' || b, 'Plus', CASE WHEN b % 3 = 0 THEN 'active' ELSE 'cancelled' END, 1500, 'CNY', now() - interval '90 days'
       FROM generate_series(1, ${buyers}) b;
     INSERT INTO shop.coupons (id, buyer_id, code, value_minor, currency, status, expires_at, issued_at)
       SELECT 'cpn_${userPrefix}' || b || '_' || k, 'usr_${userPrefix}' || b, 'SAVE' || k, 500, 'CNY', CASE WHEN k % 2 = 0 THEN 'used' ELSE 'unused' END,
              now() + (k * 10 || ' days')::interval, now() - interval '30 days'
       FROM generate_series(1, ${buyers}) b, generate_series(1, 4) k;
     INSERT INTO shop.points_balances (buyer_id, points, updated_at)
       SELECT 'usr_${userPrefix}' || b, (b * 13) % 5000, now() FROM generate_series(1, ${buyers}) b;`,
  );
}

export async function analyze(database: Database): Promise<void> {
  await exec(database, 'ANALYZE');
}
