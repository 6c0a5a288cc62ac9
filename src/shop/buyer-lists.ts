import { sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { queryRows } from '../db/sql.ts';
import { AppError } from '../errors.ts';
import { decodeKeysetCursor, encodeKeysetCursor } from '../domain/keyset-cursor.ts';
import { moneyView, type MoneyView } from '../domain/money.ts';
import { orderSummary, type OrderSummary } from './buyer-overview.ts';
import { PENDING_ORDER_STATUSES, type OrderStatus } from './shop.tables.ts';

/** `pending` is every status that still blocks cancellation. */
export type OrderFilter = OrderStatus | 'pending';

export interface OrderListItem extends OrderSummary {
  items: { productName: string; qty: number; price: MoneyView }[];
  shippingAddress: { name: string; phone: string; line1: string; city: string; country: string } | null;
}

const iso = (value: unknown) => (value instanceof Date ? value : new Date(String(value))).toISOString();

/**
 * One page of the buyer's own orders, newest first (keyset pagination on the buyer's
 * `(buyer_id, placed_at, id)` index, so page 1,000 of a heavy buyer costs what page 1 costs).
 */
export async function listBuyerOrders(
  ctx: AppContext,
  userId: string,
  options: { status?: OrderFilter; cursor?: string; limit?: number; locale: string },
): Promise<{ items: OrderListItem[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
  const conditions: SQL[] = [sql`o.buyer_id = ${userId}`];
  if (options.status === 'pending') conditions.push(sql`o.status IN (${sql.join(PENDING_ORDER_STATUSES.map((s) => sql`${s}`), sql`, `)})`);
  else if (options.status) conditions.push(sql`o.status = ${options.status}`);
  if (options.cursor) {
    const position = decodeKeysetCursor(options.cursor);
    if (!position) throw new AppError('CURSOR_INVALID');
    conditions.push(sql`(o.placed_at, o.id) < (${position.at.toISOString()}::timestamptz, ${position.id})`);
  }
  const rows = await queryRows<Parameters<typeof orderSummary>[0] & { address: OrderListItem['shippingAddress'] }>(
    ctx.db,
    sql`SELECT o.id, o.status, o.total_minor, o.currency, o.placed_at, o.completed_at,
          CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('name', a.name, 'phone', a.phone, 'line1', a.line1, 'city', a.city, 'country', a.country) END AS address
        FROM shop.orders o LEFT JOIN shop.shipping_addresses a ON a.id = o.shipping_address_id
        WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY o.placed_at DESC, o.id DESC LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const items = new Map<string, OrderListItem['items']>();
  if (page.length > 0) {
    const itemRows = await queryRows<{ order_id: string; product_name: string; qty: number; price_minor: number | string }>(
      ctx.db,
      sql`SELECT order_id, product_name, qty, price_minor FROM shop.order_items
          WHERE order_id IN (${sql.join(page.map((r) => sql`${r.id}`), sql`, `)}) ORDER BY order_id, id`,
    );
    const currencyOf = new Map(page.map((r) => [r.id, r.currency]));
    for (const item of itemRows) {
      const list = items.get(item.order_id) ?? [];
      list.push({ productName: item.product_name, qty: Number(item.qty), price: moneyView(Number(item.price_minor), currencyOf.get(item.order_id)!, options.locale) });
      items.set(item.order_id, list);
    }
  }
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...orderSummary(r, options.locale), items: items.get(r.id) ?? [], shippingAddress: r.address ?? null })),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor(new Date(iso(last.placed_at)), last.id) : null,
  };
}

export async function listBuyerDisputes(ctx: AppContext, userId: string) {
  const rows = await queryRows<{ id: string; order_id: string | null; status: string; opened_at: unknown; closed_at: unknown }>(
    ctx.db,
    sql`SELECT id, order_id, status, opened_at, closed_at FROM shop.disputes WHERE buyer_id = ${userId} ORDER BY opened_at DESC, id DESC LIMIT 200`,
  );
  return { items: rows.map((r) => ({ id: r.id, orderId: r.order_id, status: r.status, openedAt: iso(r.opened_at), closedAt: r.closed_at ? iso(r.closed_at) : null })) };
}

export async function listBuyerRefunds(ctx: AppContext, userId: string, locale: string) {
  const rows = await queryRows<{ id: string; order_id: string | null; status: string; amount_minor: number | string; currency: string; requested_at: unknown; completed_at: unknown }>(
    ctx.db,
    sql`SELECT id, order_id, status, amount_minor, currency, requested_at, completed_at FROM shop.refunds WHERE buyer_id = ${userId} ORDER BY requested_at DESC, id DESC LIMIT 200`,
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      orderId: r.order_id,
      status: r.status,
      amount: moneyView(Number(r.amount_minor), r.currency, locale),
      requestedAt: iso(r.requested_at),
      completedAt: r.completed_at ? iso(r.completed_at) : null,
    })),
  };
}

export async function listBuyerSubscriptions(ctx: AppContext, userId: string, locale: string) {
  const rows = await queryRows<{ id: string; plan_name: string; status: string; price_minor: number | string; currency: string; started_at: unknown; renews_at: unknown }>(
    ctx.db,
    sql`SELECT id, plan_name, status, price_minor, currency, started_at, renews_at FROM shop.subscriptions WHERE buyer_id = ${userId} ORDER BY started_at DESC, id DESC LIMIT 200`,
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      planName: r.plan_name,
      status: r.status,
      price: moneyView(Number(r.price_minor), r.currency, locale),
      startedAt: iso(r.started_at),
      renewsAt: r.renews_at ? iso(r.renews_at) : null,
    })),
  };
}

/** Wallet, points and coupons (usable ones first, then the rest, latest expiry first), for the wallet page. */
export async function buyerWallet(ctx: AppContext, userId: string, locale: string) {
  const now = ctx.clock.now();
  const [wallet] = await queryRows<{ balance_minor: number | string; currency: string }>(
    ctx.db,
    sql`SELECT balance_minor, currency FROM shop.wallets WHERE buyer_id = ${userId}`,
  );
  const [points] = await queryRows<{ points: number }>(ctx.db, sql`SELECT points FROM shop.points_balances WHERE buyer_id = ${userId}`);
  const coupons = await queryRows<{ id: string; code: string; value_minor: number | string; currency: string; status: string; expires_at: unknown }>(
    ctx.db,
    sql`SELECT id, code, value_minor, currency, status, expires_at FROM shop.coupons WHERE buyer_id = ${userId}
        ORDER BY (status = 'unused' AND expires_at > ${now.toISOString()}::timestamptz) DESC, expires_at DESC, id LIMIT 200`,
  );
  return {
    balance: moneyView(Number(wallet?.balance_minor ?? 0), wallet?.currency ?? 'CNY', locale),
    points: Number(points?.points ?? 0),
    coupons: coupons.map((c) => {
      const expiresAt = c.expires_at instanceof Date ? c.expires_at : new Date(String(c.expires_at));
      return {
        id: c.id,
        code: c.code,
        value: moneyView(Number(c.value_minor), c.currency, locale),
        status: c.status === 'unused' && expiresAt <= now ? 'expired' : c.status,
        expiresAt: expiresAt.toISOString(),
      };
    }),
  };
}
