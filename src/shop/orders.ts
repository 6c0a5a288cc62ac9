import { and, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { lockActiveBuyer, lockBuyer } from './buyer-guard.ts';
import { shopOrderItems, shopOrders, shopPayments, shopShippingAddresses, type OrderStatus } from './shop.tables.ts';

export interface NewAddress {
  name: string;
  phone: string;
  line1: string;
  city: string;
  country: string;
}

export interface NewOrder {
  userId: string;
  status: OrderStatus;
  /** Minor units (fen, cents). */
  total: number;
  currency?: string;
  shippingAddress?: NewAddress;
  items?: { productName: string; qty: number; price: number }[];
  placedAt?: Date;
}

const orderNotFound = () => new AppError('NOT_FOUND', { resource: 'order' }, { message: 'No such order.' });

/**
 * Places an order. A frozen account (cancellation approved) may place no new orders. A paid order
 * (anything past `awaiting_payment`, except one closed unpaid) gets its payment record.
 */
export async function placeOrder(ctx: AppContext, input: NewOrder): Promise<{ orderId: string }> {
  return ctx.db.transaction(async (tx) => {
    await lockActiveBuyer(tx, input.userId);
    const now = ctx.clock.now();
    const placedAt = input.placedAt ?? now;
    const currency = input.currency ?? 'CNY';
    let shippingAddressId: string | null = null;
    if (input.shippingAddress) {
      shippingAddressId = newId('adr');
      await tx.insert(shopShippingAddresses).values({ id: shippingAddressId, buyerId: input.userId, ...input.shippingAddress, createdAt: now });
    }
    const orderId = newId('ord');
    await tx.insert(shopOrders).values({
      id: orderId,
      buyerId: input.userId,
      status: input.status,
      totalMinor: input.total,
      currency,
      shippingAddressId,
      placedAt,
      completedAt: input.status === 'completed' ? now : null,
      updatedAt: now,
    });
    const items = input.items?.length ? input.items : [{ productName: 'Demo item', qty: 1, price: input.total }];
    await tx.insert(shopOrderItems).values(items.map((item) => ({ id: newId('itm'), orderId, productName: item.productName, qty: item.qty, priceMinor: item.price })));
    if (input.status !== 'awaiting_payment' && input.status !== 'closed') {
      await tx.insert(shopPayments).values({ id: newId('pay'), orderId, buyerId: input.userId, amountMinor: input.total, currency, method: 'card', status: 'paid', paidAt: placedAt });
    }
    return { orderId };
  });
}

/** Moves an order to any status (a dev tool standing in for the platform's fulfilment). */
export async function setOrderStatus(ctx: AppContext, orderId: string, status: OrderStatus): Promise<{ orderId: string; status: OrderStatus }> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .update(shopOrders)
    .set({ status, updatedAt: now, completedAt: status === 'completed' ? now : null })
    .where(eq(shopOrders.id, orderId))
    .returning({ id: shopOrders.id });
  if (!rows[0]) throw orderNotFound();
  return { orderId, status };
}

/**
 * The buyer's own move on one of their orders: confirm receipt of a shipped order, or cancel one
 * not paid yet. The service allows it on a frozen account (it starts nothing new); the HTTP freeze
 * guard of `cancellation/` decides what a buyer in grace may do. The conditional UPDATE makes a
 * repeat or a race harmless; another buyer's order answers as unknown.
 */
export async function buyerOrderAction(ctx: AppContext, userId: string, orderId: string, action: 'confirm_receipt' | 'cancel'): Promise<{ orderId: string; status: OrderStatus }> {
  const from: OrderStatus[] = action === 'confirm_receipt' ? ['shipped'] : ['awaiting_payment'];
  const to: OrderStatus = action === 'confirm_receipt' ? 'completed' : 'closed';
  return ctx.db.transaction(async (tx) => {
    await lockBuyer(tx, userId);
    const now = ctx.clock.now();
    const rows = await tx
      .update(shopOrders)
      .set({ status: to, updatedAt: now, ...(to === 'completed' ? { completedAt: now } : {}) })
      .where(and(eq(shopOrders.id, orderId), eq(shopOrders.buyerId, userId), inArray(shopOrders.status, from)))
      .returning({ id: shopOrders.id });
    if (rows[0]) return { orderId, status: to };
    const [existing] = await tx.select({ status: shopOrders.status }).from(shopOrders).where(and(eq(shopOrders.id, orderId), eq(shopOrders.buyerId, userId)));
    if (!existing) throw orderNotFound();
    if (existing.status === to) return { orderId, status: to };
    throw new AppError('INVALID_TRANSITION', { status: existing.status }, { message: `This order is ${existing.status.replace(/_/g, ' ')}; it cannot be ${action === 'cancel' ? 'cancelled' : 'confirmed as received'}.` });
  });
}

/** Checks that an order exists and belongs to the buyer (same 404 for both). */
export async function requireOwnOrder(db: Db, userId: string, orderId: string): Promise<void> {
  const rows = await db.select({ id: shopOrders.id }).from(shopOrders).where(and(eq(shopOrders.id, orderId), eq(shopOrders.buyerId, userId)));
  if (!rows[0]) throw orderNotFound();
}
