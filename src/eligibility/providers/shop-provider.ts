import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/sql.ts';
import { shopFindings, type Money, type ShopFacts } from '../../domain/eligibility.ts';
import { describeFinding } from '../texts.ts';
import type { CheckInput, CheckProvider } from '../check-provider.ts';

interface FactsRow {
  pending: Record<string, number> | null;
  open_disputes: number;
  refunds: { currency: string; n: number; total: number }[] | null;
  wallet: { balance: number; currency: string } | null;
  subscriptions: { currency: string; n: number; total: number }[] | null;
  coupons: { currency: string; n: number; total: number }[] | null;
  points: number | null;
}

const perCurrency = (rows: FactsRow['refunds']) => (rows ?? []).map((r) => ({ count: Number(r.n), amount: { value: Number(r.total), currency: r.currency } as Money }));

/**
 * Everything the marketplace knows that matters for cancellation, in ONE statement of scalar
 * sub-queries, each an index range scan on `(buyer_id, status…)`: counts and sums only, no rows
 * are loaded, so a buyer with 100k orders costs about what a buyer with 3 does (the pending-order
 * count only walks the few index entries of unfinished statuses).
 */
export async function loadShopFacts(input: Pick<CheckInput, 'ctx' | 'db' | 'userId'>): Promise<ShopFacts> {
  const { db, userId } = input;
  const now = input.ctx.clock.now().toISOString();
  const [row] = await queryRows<FactsRow>(
    db,
    sql`SELECT
      (SELECT json_object_agg(status, n) FROM (
         SELECT status, count(*)::int AS n FROM shop.orders
         WHERE buyer_id = ${userId} AND status IN ('awaiting_payment', 'awaiting_shipment', 'shipped') GROUP BY status) o) AS pending,
      (SELECT count(*)::int FROM shop.disputes WHERE buyer_id = ${userId} AND status = 'open') AS open_disputes,
      (SELECT json_agg(r) FROM (
         SELECT currency, count(*)::int AS n, sum(amount_minor)::bigint AS total FROM shop.refunds
         WHERE buyer_id = ${userId} AND status = 'in_progress' GROUP BY currency ORDER BY currency) r) AS refunds,
      (SELECT json_build_object('balance', balance_minor, 'currency', currency) FROM shop.wallets WHERE buyer_id = ${userId}) AS wallet,
      (SELECT json_agg(s) FROM (
         SELECT currency, count(*)::int AS n, sum(price_minor)::bigint AS total FROM shop.subscriptions
         WHERE buyer_id = ${userId} AND status = 'active' GROUP BY currency ORDER BY currency) s) AS subscriptions,
      (SELECT json_agg(c) FROM (
         SELECT currency, count(*)::int AS n, sum(value_minor)::bigint AS total FROM shop.coupons
         WHERE buyer_id = ${userId} AND status = 'unused' AND expires_at > ${now}::timestamptz GROUP BY currency ORDER BY currency) c) AS coupons,
      (SELECT points FROM shop.points_balances WHERE buyer_id = ${userId}) AS points`,
  );
  return {
    pendingOrders: {
      awaiting_payment: Number(row.pending?.awaiting_payment ?? 0),
      awaiting_shipment: Number(row.pending?.awaiting_shipment ?? 0),
      shipped: Number(row.pending?.shipped ?? 0),
    },
    openDisputes: Number(row.open_disputes),
    refundsInProgress: perCurrency(row.refunds),
    wallet: row.wallet ? { value: Number(row.wallet.balance), currency: row.wallet.currency } : null,
    activeSubscriptions: perCurrency(row.subscriptions),
    unusedCoupons: perCurrency(row.coupons),
    points: Number(row.points ?? 0),
  };
}

/** The built-in provider: the demo marketplace in the `shop` schema. */
export const shopProvider: CheckProvider = {
  name: 'shop',
  async check(input) {
    const findings = shopFindings(await loadShopFacts(input));
    return {
      blockers: findings.blockers.map((f) => describeFinding(f, input.locale)),
      warnings: findings.warnings.map((f) => describeFinding(f, input.locale)),
    };
  },
};
