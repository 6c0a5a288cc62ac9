import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { queryRows } from '../db/sql.ts';
import { moneyView, type MoneyView } from '../domain/money.ts';
import { ORDER_STATUSES, type OrderStatus } from './shop.tables.ts';

export interface OrderSummary {
  id: string;
  status: OrderStatus;
  total: MoneyView;
  placedAt: string;
  completedAt: string | null;
}

export interface BuyerOverview {
  orders: { total: number; byStatus: Record<OrderStatus, number>; pending: number };
  recentOrders: OrderSummary[];
  wallet: MoneyView;
  coupons: { unused: number };
  points: number;
  openDisputes: number;
  refundsInProgress: number;
  activeSubscriptions: number;
}

interface OverviewRow {
  by_status: Record<string, number> | null;
  wallet: { balance: number; currency: string } | null;
  unused_coupons: number;
  points: number | null;
  open_disputes: number;
  refunds_in_progress: number;
  active_subscriptions: number;
}

const iso = (value: unknown) => (value instanceof Date ? value : new Date(String(value))).toISOString();

export function orderSummary(row: { id: string; status: OrderStatus; total_minor: number | string; currency: string; placed_at: unknown; completed_at: unknown }, locale: string): OrderSummary {
  return {
    id: row.id,
    status: row.status,
    total: moneyView(Number(row.total_minor), row.currency, locale),
    placedAt: iso(row.placed_at),
    completedAt: row.completed_at ? iso(row.completed_at) : null,
  };
}

/**
 * The "My account" overview of one buyer: counts aggregated in SQL on the buyer's indexes (one
 * statement), and the five most recent orders. Only ever the caller's own data.
 */
export async function buyerOverview(ctx: AppContext, userId: string, locale: string): Promise<BuyerOverview> {
  const now = ctx.clock.now().toISOString();
  const [row] = await queryRows<OverviewRow>(
    ctx.db,
    sql`SELECT
      (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM shop.orders WHERE buyer_id = ${userId} GROUP BY status) o) AS by_status,
      (SELECT json_build_object('balance', balance_minor, 'currency', currency) FROM shop.wallets WHERE buyer_id = ${userId}) AS wallet,
      (SELECT count(*)::int FROM shop.coupons WHERE buyer_id = ${userId} AND status = 'unused' AND expires_at > ${now}::timestamptz) AS unused_coupons,
      (SELECT points FROM shop.points_balances WHERE buyer_id = ${userId}) AS points,
      (SELECT count(*)::int FROM shop.disputes WHERE buyer_id = ${userId} AND status = 'open') AS open_disputes,
      (SELECT count(*)::int FROM shop.refunds WHERE buyer_id = ${userId} AND status = 'in_progress') AS refunds_in_progress,
      (SELECT count(*)::int FROM shop.subscriptions WHERE buyer_id = ${userId} AND status = 'active') AS active_subscriptions`,
  );
  const recent = await queryRows<Parameters<typeof orderSummary>[0]>(
    ctx.db,
    sql`SELECT id, status, total_minor, currency, placed_at, completed_at FROM shop.orders
        WHERE buyer_id = ${userId} ORDER BY placed_at DESC, id DESC LIMIT 5`,
  );
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, Number(row.by_status?.[s] ?? 0)])) as Record<OrderStatus, number>;
  return {
    orders: {
      total: Object.values(byStatus).reduce((a, b) => a + b, 0),
      byStatus,
      pending: byStatus.awaiting_payment + byStatus.awaiting_shipment + byStatus.shipped,
    },
    recentOrders: recent.map((r) => orderSummary(r, locale)),
    wallet: moneyView(Number(row.wallet?.balance ?? 0), row.wallet?.currency ?? 'CNY', locale),
    coupons: { unused: Number(row.unused_coupons) },
    points: Number(row.points ?? 0),
    openDisputes: Number(row.open_disputes),
    refundsInProgress: Number(row.refunds_in_progress),
    activeSubscriptions: Number(row.active_subscriptions),
  };
}
