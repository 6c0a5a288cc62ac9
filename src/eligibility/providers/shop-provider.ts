import { rawQuery } from '../../db/sql.ts';
import { shopFindings, type Money, type ShopFacts } from '../../domain/eligibility.ts';
import { describeFinding, type EligibilityLocale } from '../texts.ts';
import type { Blocker, CheckInput, CheckProvider } from '../check-provider.ts';

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
 * Everything the marketplace knows that matters for cancellation, for each buyer of `userIds`, in
 * ONE statement: per buyer, scalar sub-queries that are each an index range scan on
 * `(buyer_id, status…)`. Counts and sums only, no rows are loaded, so a buyer with 100k orders
 * costs about what a buyer with 3 does (the pending-order count only walks the few index entries
 * of unfinished statuses), and a page of 20 buyers is one round trip.
 */
export async function loadShopFactsMany(input: Pick<CheckInput, 'ctx' | 'db'>, userIds: string[]): Promise<Map<string, ShopFacts>> {
  const facts = new Map<string, ShopFacts>();
  if (userIds.length === 0) return facts;
  const { rows } = await rawQuery(input.db)(
    `SELECT b.id AS buyer_id,
      (SELECT json_object_agg(status, n) FROM (
         SELECT status, count(*)::int AS n FROM shop.orders
         WHERE buyer_id = b.id AND status IN ('awaiting_payment', 'awaiting_shipment', 'shipped') GROUP BY status) o) AS pending,
      (SELECT count(*)::int FROM shop.disputes WHERE buyer_id = b.id AND status = 'open') AS open_disputes,
      (SELECT json_agg(r) FROM (
         SELECT currency, count(*)::int AS n, sum(amount_minor)::bigint AS total FROM shop.refunds
         WHERE buyer_id = b.id AND status = 'in_progress' GROUP BY currency ORDER BY currency) r) AS refunds,
      (SELECT json_build_object('balance', balance_minor, 'currency', currency) FROM shop.wallets WHERE buyer_id = b.id) AS wallet,
      (SELECT json_agg(s) FROM (
         SELECT currency, count(*)::int AS n, sum(price_minor)::bigint AS total FROM shop.subscriptions
         WHERE buyer_id = b.id AND status = 'active' GROUP BY currency ORDER BY currency) s) AS subscriptions,
      (SELECT json_agg(c) FROM (
         SELECT currency, count(*)::int AS n, sum(value_minor)::bigint AS total FROM shop.coupons
         WHERE buyer_id = b.id AND status = 'unused' AND expires_at > $2::timestamptz GROUP BY currency ORDER BY currency) c) AS coupons,
      (SELECT points FROM shop.points_balances WHERE buyer_id = b.id) AS points
    FROM unnest($1::text[]) AS b(id)`,
    [[...new Set(userIds)], input.ctx.clock.now().toISOString()],
  );
  for (const row of rows as Array<FactsRow & { buyer_id: string }>) facts.set(row.buyer_id, toFacts(row));
  return facts;
}

function toFacts(row: FactsRow): ShopFacts {
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

export async function loadShopFacts(input: Pick<CheckInput, 'ctx' | 'db' | 'userId'>): Promise<ShopFacts> {
  return (await loadShopFactsMany(input, [input.userId])).get(input.userId)!;
}

/** The built-in provider: the demo marketplace in the `shop` schema. */
export const shopProvider: CheckProvider = {
  name: 'shop',
  async check(input) {
    return describe(await loadShopFacts(input), input.locale);
  },
  async checkMany(inputs) {
    if (inputs.length === 0) return [];
    const facts = await loadShopFactsMany(inputs[0], inputs.map((i) => i.userId));
    return inputs.map((input) => describe(facts.get(input.userId)!, input.locale));
  },
};

function describe(facts: ShopFacts, locale: EligibilityLocale): { blockers: Blocker[]; warnings: Blocker[] } {
  const findings = shopFindings(facts);
  return {
    blockers: findings.blockers.map((f) => describeFinding(f, locale)),
    warnings: findings.warnings.map((f) => describeFinding(f, locale)),
  };
}
