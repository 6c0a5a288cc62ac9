import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { lockBuyer } from './buyer-guard.ts';
import { shopWallets } from './shop.tables.ts';

export interface WalletView {
  userId: string;
  /** Minor units. */
  balance: number;
  currency: string;
}

/**
 * Sets the buyer's wallet balance. Raising it is a top-up, refused on a frozen account; lowering
 * it (a withdrawal or a purchase) stays possible, since it is how a buyer clears the blocker.
 */
export async function setWalletBalance(ctx: AppContext, input: { userId: string; balance: number; currency?: string }): Promise<WalletView> {
  return ctx.db.transaction(async (tx) => {
    const status = await lockBuyer(tx, input.userId);
    // FOR UPDATE: two concurrent changes of one wallet compare against the balance the other left.
    const [current] = await tx.select().from(shopWallets).where(eq(shopWallets.buyerId, input.userId)).for('update');
    const before = current?.balanceMinor ?? 0;
    if (input.balance > before && status !== 'active') throw new AppError('ACCOUNT_FROZEN');
    const currency = input.currency ?? current?.currency ?? 'CNY';
    const now = ctx.clock.now();
    await tx
      .insert(shopWallets)
      .values({ buyerId: input.userId, balanceMinor: input.balance, currency, updatedAt: now })
      .onConflictDoUpdate({ target: shopWallets.buyerId, set: { balanceMinor: input.balance, currency, updatedAt: now } });
    return { userId: input.userId, balance: input.balance, currency };
  });
}

/**
 * The buyer withdraws the whole balance to their bank card. The service allows it on any account;
 * while frozen (grace) the HTTP freeze guard of `cancellation/` admits no buyer changes at all.
 */
export async function withdrawWallet(ctx: AppContext, userId: string): Promise<WalletView & { withdrawn: number }> {
  return ctx.db.transaction(async (tx) => {
    await lockBuyer(tx, userId);
    const [current] = await tx.select().from(shopWallets).where(eq(shopWallets.buyerId, userId)).for('update');
    if (!current) return { userId, balance: 0, currency: 'CNY', withdrawn: 0 };
    await tx.update(shopWallets).set({ balanceMinor: 0, updatedAt: ctx.clock.now() }).where(eq(shopWallets.buyerId, userId));
    return { userId, balance: 0, currency: current.currency, withdrawn: current.balanceMinor };
  });
}
