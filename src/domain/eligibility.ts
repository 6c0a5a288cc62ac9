/**
 * Eligibility rules, without I/O: which marketplace facts block a cancellation, which only warn,
 * and how the answers of several check providers combine. The wording lives in
 * `src/eligibility/locales`; this file decides codes, counts, amounts and where to resolve them.
 */

export interface Money {
  /** Minor units (fen, cents). */
  value: number;
  currency: string;
}

/** What the marketplace knows about one buyer, aggregated (counts and sums, never rows). */
export interface ShopFacts {
  pendingOrders: { awaiting_payment: number; awaiting_shipment: number; shipped: number };
  openDisputes: number;
  /** In-progress refunds, one entry per currency. */
  refundsInProgress: { count: number; amount: Money }[];
  wallet: Money | null;
  /** Active subscriptions, one entry per currency (amount: the sum of their prices). */
  activeSubscriptions: { count: number; amount: Money }[];
  /** Unused coupons that have not expired, one entry per currency. */
  unusedCoupons: { count: number; amount: Money }[];
  points: number;
}

export type BlockerCode = 'PENDING_ORDERS' | 'OPEN_DISPUTES' | 'REFUNDS_IN_PROGRESS' | 'WALLET_BALANCE' | 'ACTIVE_SUBSCRIPTION' | 'CHECK_UNAVAILABLE';
export type WarningCode = 'UNUSED_COUPONS' | 'POINTS_FORFEITED';

/** A finding before it is put into words. */
export interface Finding {
  code: BlockerCode | WarningCode;
  count?: number;
  /** Per currency; usually one. */
  amounts: Money[];
  /** Where in the web UI the buyer resolves it. */
  link?: string;
  /** Sub-counts for the detail text (e.g. pending orders by status). */
  parts?: Record<string, number>;
}

/** Web UI pages where each finding is resolved. */
export const RESOLVE_LINKS: Record<Exclude<BlockerCode, 'CHECK_UNAVAILABLE'> | WarningCode, string> = {
  PENDING_ORDERS: '/account/orders?status=pending',
  OPEN_DISPUTES: '/account/disputes',
  REFUNDS_IN_PROGRESS: '/account/refunds',
  WALLET_BALANCE: '/account/wallet',
  ACTIVE_SUBSCRIPTION: '/account/subscriptions',
  UNUSED_COUPONS: '/account/wallet',
  POINTS_FORFEITED: '/account/wallet',
};

const sumCounts = (entries: { count: number }[]) => entries.reduce((total, entry) => total + entry.count, 0);
const amountsOf = (entries: { amount: Money }[]) => entries.map((entry) => entry.amount);

/**
 * Blockers: orders not finished (awaiting payment, awaiting shipment, shipped but not confirmed),
 * open disputes, refunds in progress, money in the wallet, active subscriptions.
 * Warnings: unused coupons still valid, points that will be forfeited.
 */
export function shopFindings(facts: ShopFacts): { blockers: Finding[]; warnings: Finding[] } {
  const blockers: Finding[] = [];
  const warnings: Finding[] = [];
  const pending = facts.pendingOrders.awaiting_payment + facts.pendingOrders.awaiting_shipment + facts.pendingOrders.shipped;
  if (pending > 0) {
    const parts = Object.fromEntries(Object.entries(facts.pendingOrders).filter(([, n]) => n > 0));
    blockers.push({ code: 'PENDING_ORDERS', count: pending, amounts: [], link: RESOLVE_LINKS.PENDING_ORDERS, parts });
  }
  if (facts.openDisputes > 0) blockers.push({ code: 'OPEN_DISPUTES', count: facts.openDisputes, amounts: [], link: RESOLVE_LINKS.OPEN_DISPUTES });
  const refunds = facts.refundsInProgress.filter((r) => r.count > 0);
  if (refunds.length > 0) blockers.push({ code: 'REFUNDS_IN_PROGRESS', count: sumCounts(refunds), amounts: amountsOf(refunds), link: RESOLVE_LINKS.REFUNDS_IN_PROGRESS });
  if (facts.wallet && facts.wallet.value > 0) blockers.push({ code: 'WALLET_BALANCE', amounts: [facts.wallet], link: RESOLVE_LINKS.WALLET_BALANCE });
  const subscriptions = facts.activeSubscriptions.filter((s) => s.count > 0);
  if (subscriptions.length > 0) {
    blockers.push({ code: 'ACTIVE_SUBSCRIPTION', count: sumCounts(subscriptions), amounts: amountsOf(subscriptions), link: RESOLVE_LINKS.ACTIVE_SUBSCRIPTION });
  }
  const coupons = facts.unusedCoupons.filter((c) => c.count > 0);
  if (coupons.length > 0) warnings.push({ code: 'UNUSED_COUPONS', count: sumCounts(coupons), amounts: amountsOf(coupons), link: RESOLVE_LINKS.UNUSED_COUPONS });
  if (facts.points > 0) warnings.push({ code: 'POINTS_FORFEITED', count: facts.points, amounts: [], link: RESOLVE_LINKS.POINTS_FORFEITED });
  return { blockers, warnings };
}

/**
 * Combines the answers of every provider. Eligible only when every provider answered and none
 * reported a blocker: a provider that failed answers with a CHECK_UNAVAILABLE blocker, so a
 * failure can never read as "eligible".
 */
export function combineResults<T extends { code: string }>(results: { blockers: T[]; warnings: T[] }[]): { eligible: boolean; blockers: T[]; warnings: T[] } {
  const blockers = results.flatMap((r) => r.blockers);
  const warnings = results.flatMap((r) => r.warnings);
  return { eligible: results.length > 0 && blockers.length === 0, blockers, warnings };
}
