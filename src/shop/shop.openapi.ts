import { z } from 'zod';
import { ok, op, type OperationCatalog } from '../http/openapi/operation.ts';
import { ORDER_STATUSES } from './shop.tables.ts';

const time = z.string().describe('ISO 8601 UTC');

export const MoneyView = z
  .object({ value: z.number().int().describe('minor units (fen, cents)'), currency: z.string(), formatted: z.string().describe('in the buyer’s language') })
  .meta({ id: 'MoneyView' });

const orderStatus = z.enum(ORDER_STATUSES);
const OrderSummary = z.object({ id: z.string(), status: orderStatus, total: MoneyView, placedAt: time, completedAt: time.nullable() });
const Order = z
  .object({
    ...OrderSummary.shape,
    items: z.array(z.object({ productName: z.string(), qty: z.number().int(), price: MoneyView })),
    shippingAddress: z.object({ name: z.string(), phone: z.string(), line1: z.string(), city: z.string(), country: z.string() }).nullable(),
  })
  .meta({ id: 'Order' });

const Overview = z.object({
  orders: z.object({ total: z.number().int(), byStatus: z.object(Object.fromEntries(ORDER_STATUSES.map((s) => [s, z.number().int()]))), pending: z.number().int() }),
  recentOrders: z.array(OrderSummary),
  wallet: MoneyView,
  coupons: z.object({ unused: z.number().int() }),
  points: z.number().int(),
  openDisputes: z.number().int(),
  refundsInProgress: z.number().int(),
  activeSubscriptions: z.number().int(),
});

const orderAction = z.object({ orderId: z.string(), status: orderStatus });

export const shopOperations: OperationCatalog = {
  'GET /api/shop/overview': op('getShopOverview', 'The buyer’s marketplace at a glance: orders, wallet, coupons, points', 'session', { 200: ok(Overview, 'Counts and recent orders') }),
  'GET /api/shop/orders': op('listMyOrders', 'The buyer’s orders, newest first', 'session', { 200: ok(z.object({ items: z.array(Order), nextCursor: z.string().nullable() }), 'A page of orders') }, 'CURSOR_INVALID', 'VALIDATION_FAILED'),
  'POST /api/shop/orders/:orderId/confirm-receipt': op('confirmOrderReceipt', 'Confirm a shipped order arrived', 'session', { 200: ok(orderAction, 'Completed') }, 'NOT_FOUND', 'INVALID_TRANSITION'),
  'POST /api/shop/orders/:orderId/cancel': op('cancelOrder', 'Cancel an order awaiting payment', 'session', { 200: ok(orderAction, 'Closed') }, 'NOT_FOUND', 'INVALID_TRANSITION'),
  'GET /api/shop/disputes': op('listMyDisputes', 'The buyer’s disputes', 'session', {
    200: ok(z.object({ items: z.array(z.object({ id: z.string(), orderId: z.string().nullable(), status: z.string(), openedAt: time, closedAt: time.nullable() })) }), 'Disputes'),
  }),
  'GET /api/shop/refunds': op('listMyRefunds', 'The buyer’s refunds', 'session', {
    200: ok(z.object({ items: z.array(z.object({ id: z.string(), orderId: z.string().nullable(), status: z.string(), amount: MoneyView, requestedAt: time, completedAt: time.nullable() })) }), 'Refunds'),
  }),
  'GET /api/shop/subscriptions': op('listMySubscriptions', 'The buyer’s subscriptions', 'session', {
    200: ok(z.object({ items: z.array(z.object({ id: z.string(), planName: z.string(), status: z.string(), price: MoneyView, startedAt: time, renewsAt: time.nullable() })) }), 'Subscriptions'),
  }),
  'POST /api/shop/subscriptions/:subscriptionId/cancel': op('cancelSubscription', 'Cancel one of the buyer’s subscriptions', 'session', { 200: ok(z.object({ subscriptionId: z.string(), status: z.enum(['active', 'cancelled']) }), 'Cancelled') }, 'NOT_FOUND'),
  'GET /api/shop/wallet': op('getMyWallet', 'Wallet balance, points and coupons', 'session', {
    200: ok(z.object({ balance: MoneyView, points: z.number().int(), coupons: z.array(z.object({ id: z.string(), code: z.string(), value: MoneyView, status: z.string(), expiresAt: time })) }), 'The wallet'),
  }),
  'POST /api/shop/wallet/withdraw': op('withdrawWallet', 'Pay the wallet balance out to the buyer', 'session', { 200: ok(z.object({ balance: z.number().int(), withdrawn: z.number().int(), currency: z.string() }), 'Withdrawn (minor units)') }, 'ACCOUNT_FROZEN'),
};
