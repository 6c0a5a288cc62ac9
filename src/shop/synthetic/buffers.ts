import type { Db } from '../../db/database.ts';
import { ColumnBuffer } from './bulk-insert.ts';

/** One buffer per marketplace table, in foreign-key order (parents first). */
export function createBuffers() {
  return {
    addresses: new ColumnBuffer('shop.shipping_addresses', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['name', 'text'],
      ['phone', 'text'],
      ['line1', 'text'],
      ['city', 'text'],
      ['country', 'text'],
      ['created_at', 'timestamptz'],
    ]),
    orders: new ColumnBuffer('shop.orders', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['status', 'text'],
      ['total_minor', 'bigint'],
      ['currency', 'text'],
      ['shipping_address_id', 'text'],
      ['placed_at', 'timestamptz'],
      ['completed_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ]),
    items: new ColumnBuffer('shop.order_items', [
      ['id', 'text'],
      ['order_id', 'text'],
      ['product_name', 'text'],
      ['qty', 'int'],
      ['price_minor', 'bigint'],
    ]),
    payments: new ColumnBuffer('shop.payments', [
      ['id', 'text'],
      ['order_id', 'text'],
      ['buyer_id', 'text'],
      ['amount_minor', 'bigint'],
      ['currency', 'text'],
      ['method', 'text'],
      ['status', 'text'],
      ['paid_at', 'timestamptz'],
    ]),
    disputes: new ColumnBuffer('shop.disputes', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['order_id', 'text'],
      ['status', 'text'],
      ['reason', 'text'],
      ['opened_at', 'timestamptz'],
      ['closed_at', 'timestamptz'],
    ]),
    refunds: new ColumnBuffer('shop.refunds', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['order_id', 'text'],
      ['status', 'text'],
      ['amount_minor', 'bigint'],
      ['currency', 'text'],
      ['requested_at', 'timestamptz'],
      ['completed_at', 'timestamptz'],
    ]),
    wallets: new ColumnBuffer('shop.wallets', [
      ['buyer_id', 'text'],
      ['balance_minor', 'bigint'],
      ['currency', 'text'],
      ['updated_at', 'timestamptz'],
    ]),
    coupons: new ColumnBuffer('shop.coupons', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['code', 'text'],
      ['value_minor', 'bigint'],
      ['currency', 'text'],
      ['status', 'text'],
      ['expires_at', 'timestamptz'],
      ['issued_at', 'timestamptz'],
    ]),
    points: new ColumnBuffer('shop.points_balances', [
      ['buyer_id', 'text'],
      ['points', 'int'],
      ['updated_at', 'timestamptz'],
    ]),
    subscriptions: new ColumnBuffer('shop.subscriptions', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['plan_name', 'text'],
      ['status', 'text'],
      ['price_minor', 'bigint'],
      ['currency', 'text'],
      ['started_at', 'timestamptz'],
      ['renews_at', 'timestamptz'],
      ['cancelled_at', 'timestamptz'],
    ]),
    reviews: new ColumnBuffer('shop.product_reviews', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['order_id', 'text'],
      ['product_name', 'text'],
      ['rating', 'int'],
      ['body', 'text'],
      ['created_at', 'timestamptz'],
    ]),
    messages: new ColumnBuffer('shop.seller_messages', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['order_id', 'text'],
      ['seller_name', 'text'],
      ['direction', 'text'],
      ['body', 'text'],
      ['sent_at', 'timestamptz'],
    ]),
    browsing: new ColumnBuffer('shop.browsing_history', [
      ['id', 'text'],
      ['buyer_id', 'text'],
      ['product_name', 'text'],
      ['viewed_at', 'timestamptz'],
    ]),
  };
}

export type MarketplaceBuffers = ReturnType<typeof createBuffers>;

export const bufferedRows = (buffers: MarketplaceBuffers) => Object.values(buffers).reduce((sum, b) => sum + b.rows, 0);

/** Writes every buffer, parents before children. */
export async function flushAll(db: Db, buffers: MarketplaceBuffers): Promise<void> {
  for (const buffer of Object.values(buffers)) await buffer.flush(db);
}
