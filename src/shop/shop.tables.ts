import { bigint, index, integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';

/**
 * The demo marketplace: a stand-in for the platform's own systems (orders, payments, wallet…), in
 * its own PostgreSQL schema so that it reads like a separate system. Unlike Adieu's own tables,
 * personal data here is stored in the clear, as a platform's database typically holds it: the
 * erasure engine has to find it and anonymise or delete it.
 *
 * Money is always an integer in minor units (fen, cents) with an ISO 4217 currency.
 * Every table carries `buyer_id` (directly, or through `order_id` for order items), so each erasure
 * step is one set-based statement.
 */
export const shopSchema = pgSchema('shop');

export const ORDER_STATUSES = ['awaiting_payment', 'awaiting_shipment', 'shipped', 'completed', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Orders the buyer is still waiting on or owes: they block cancellation. */
export const PENDING_ORDER_STATUSES = ['awaiting_payment', 'awaiting_shipment', 'shipped'] as const satisfies readonly OrderStatus[];

export type DisputeStatus = 'open' | 'closed';
export type RefundStatus = 'in_progress' | 'done';
export type CouponStatus = 'unused' | 'used';
export type SubscriptionStatus = 'active' | 'cancelled';
export type PaymentStatus = 'paid' | 'refunded';

const money = (name: string) => bigint(name, { mode: 'number' });
const at = (name: string) => timestamp(name, { withTimezone: true });
const buyer = () =>
  text('buyer_id')
    .notNull()
    .references(() => users.id);

/** The buyer's address book. Personal data in the clear: name, phone, street, city. */
export const shopShippingAddresses = shopSchema.table(
  'shipping_addresses',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    line1: text('line1').notNull(),
    city: text('city').notNull(),
    country: text('country').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('shop_shipping_addresses_buyer_idx').on(t.buyerId)],
);

/**
 * Orders. Kept by law for 3 years after completion (China E-Commerce Law Art. 31), so erasure
 * anonymises rather than deletes them. `(buyer_id, status)` serves the eligibility aggregate;
 * `(buyer_id, placed_at)` the buyer's order list.
 */
export const shopOrders = shopSchema.table(
  'orders',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    status: text('status').$type<OrderStatus>().notNull(),
    totalMinor: money('total_minor').notNull(),
    currency: text('currency').notNull().default('CNY'),
    shippingAddressId: text('shipping_address_id').references(() => shopShippingAddresses.id),
    placedAt: at('placed_at').notNull(),
    completedAt: at('completed_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [index('shop_orders_buyer_status_idx').on(t.buyerId, t.status), index('shop_orders_buyer_placed_idx').on(t.buyerId, t.placedAt, t.id)],
);

export const shopOrderItems = shopSchema.table(
  'order_items',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => shopOrders.id, { onDelete: 'cascade' }),
    productName: text('product_name').notNull(),
    qty: integer('qty').notNull(),
    priceMinor: money('price_minor').notNull(),
  },
  (t) => [index('shop_order_items_order_idx').on(t.orderId)],
);

export const shopPayments = shopSchema.table(
  'payments',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => shopOrders.id),
    buyerId: buyer(),
    amountMinor: money('amount_minor').notNull(),
    currency: text('currency').notNull().default('CNY'),
    method: text('method').notNull(),
    status: text('status').$type<PaymentStatus>().notNull(),
    paidAt: at('paid_at').notNull(),
  },
  (t) => [index('shop_payments_buyer_idx').on(t.buyerId), index('shop_payments_order_idx').on(t.orderId)],
);

export const shopDisputes = shopSchema.table(
  'disputes',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    orderId: text('order_id').references(() => shopOrders.id),
    status: text('status').$type<DisputeStatus>().notNull(),
    /** Free text of the buyer (personal data in the clear). */
    reason: text('reason'),
    openedAt: at('opened_at').notNull(),
    closedAt: at('closed_at'),
  },
  (t) => [index('shop_disputes_buyer_status_idx').on(t.buyerId, t.status)],
);

export const shopRefunds = shopSchema.table(
  'refunds',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    orderId: text('order_id').references(() => shopOrders.id),
    status: text('status').$type<RefundStatus>().notNull(),
    amountMinor: money('amount_minor').notNull(),
    currency: text('currency').notNull().default('CNY'),
    requestedAt: at('requested_at').notNull(),
    completedAt: at('completed_at'),
  },
  (t) => [index('shop_refunds_buyer_status_idx').on(t.buyerId, t.status)],
);

/** One wallet per buyer. */
export const shopWallets = shopSchema.table('wallets', {
  buyerId: text('buyer_id')
    .primaryKey()
    .references(() => users.id),
  balanceMinor: money('balance_minor').notNull().default(0),
  currency: text('currency').notNull().default('CNY'),
  updatedAt: at('updated_at').notNull(),
});

export const shopCoupons = shopSchema.table(
  'coupons',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    code: text('code').notNull(),
    valueMinor: money('value_minor').notNull(),
    currency: text('currency').notNull().default('CNY'),
    status: text('status').$type<CouponStatus>().notNull(),
    expiresAt: at('expires_at').notNull(),
    issuedAt: at('issued_at').notNull(),
  },
  (t) => [index('shop_coupons_buyer_status_idx').on(t.buyerId, t.status, t.expiresAt)],
);

/** Loyalty points, one balance per buyer. */
export const shopPointsBalances = shopSchema.table('points_balances', {
  buyerId: text('buyer_id')
    .primaryKey()
    .references(() => users.id),
  points: integer('points').notNull().default(0),
  updatedAt: at('updated_at').notNull(),
});

export const shopSubscriptions = shopSchema.table(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    planName: text('plan_name').notNull(),
    status: text('status').$type<SubscriptionStatus>().notNull(),
    priceMinor: money('price_minor').notNull(),
    currency: text('currency').notNull().default('CNY'),
    startedAt: at('started_at').notNull(),
    renewsAt: at('renews_at'),
    cancelledAt: at('cancelled_at'),
  },
  (t) => [index('shop_subscriptions_buyer_status_idx').on(t.buyerId, t.status)],
);

/** Reviews the buyer wrote (free text in the clear). */
export const shopProductReviews = shopSchema.table(
  'product_reviews',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    orderId: text('order_id').references(() => shopOrders.id),
    productName: text('product_name').notNull(),
    rating: integer('rating').notNull(),
    body: text('body').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('shop_product_reviews_buyer_idx').on(t.buyerId)],
);

/** Messages between the buyer and sellers (free text in the clear). */
export const shopSellerMessages = shopSchema.table(
  'seller_messages',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    orderId: text('order_id').references(() => shopOrders.id),
    sellerName: text('seller_name').notNull(),
    direction: text('direction').$type<'to_seller' | 'from_seller'>().notNull(),
    body: text('body').notNull(),
    sentAt: at('sent_at').notNull(),
  },
  (t) => [index('shop_seller_messages_buyer_idx').on(t.buyerId)],
);

export const shopBrowsingHistory = shopSchema.table(
  'browsing_history',
  {
    id: text('id').primaryKey(),
    buyerId: buyer(),
    productName: text('product_name').notNull(),
    viewedAt: at('viewed_at').notNull(),
  },
  (t) => [index('shop_browsing_history_buyer_idx').on(t.buyerId, t.viewedAt)],
);
