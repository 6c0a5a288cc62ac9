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
 * ONE statement: `shop.buyer_facts` (migration 0012) runs, per buyer, scalar sub-queries that are
 * each an index range scan on `(buyer_id, status…)`. Counts and sums only, no rows are loaded, so a
 * buyer with 100k orders costs about what a buyer with 3 does (the pending-order count only walks
 * the few index entries of unfinished statuses), and a page of 20 buyers is one round trip. Being
 * a PL/pgSQL function, its plan is made once per connection, not on every call.
 */
export async function loadShopFactsMany(input: Pick<CheckInput, 'ctx' | 'db'>, userIds: string[]): Promise<Map<string, ShopFacts>> {
  const facts = new Map<string, ShopFacts>();
  if (userIds.length === 0) return facts;
  const { rows } = await rawQuery(input.db)('SELECT * FROM shop.buyer_facts($1::text[], $2::timestamptz)', [[...new Set(userIds)], input.ctx.clock.now().toISOString()]);
  for (const row of rows as Array<FactsRow & { buyer_id: string }>) facts.set(row.buyer_id, toFacts(row));
  return facts;
}

/**
 * The buyer's own row (subject id, locale) and their marketplace facts in ONE statement, the
 * single-buyer check's only one; null when there is no such user.
 */
export async function loadBuyerWithShopFacts(
  input: Pick<CheckInput, 'ctx' | 'db'>,
  userId: string,
): Promise<{ subjectId: string; locale: string; shopFacts: ShopFacts } | null> {
  const { rows } = await rawQuery(input.db)('SELECT * FROM adieu_eligibility_buyer($1::text, $2::timestamptz)', [userId, input.ctx.clock.now().toISOString()]);
  const row = rows[0] as (FactsRow & { subject_id: string; locale: string }) | undefined;
  return row ? { subjectId: row.subject_id, locale: row.locale, shopFacts: toFacts(row) } : null;
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
    return describe(input.shopFacts ?? (await loadShopFacts(input)), input.locale);
  },
  async checkMany(inputs) {
    if (inputs.length === 0) return [];
    const facts = await loadShopFactsMany(inputs[0], inputs.filter((i) => !i.shopFacts).map((i) => i.userId));
    return inputs.map((input) => describe(input.shopFacts ?? facts.get(input.userId)!, input.locale));
  },
};

function describe(facts: ShopFacts, locale: EligibilityLocale): { blockers: Blocker[]; warnings: Blocker[] } {
  const findings = shopFindings(facts);
  return {
    blockers: findings.blockers.map((f) => describeFinding(f, locale)),
    warnings: findings.warnings.map((f) => describeFinding(f, locale)),
  };
}
