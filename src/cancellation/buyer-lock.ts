import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { queueFreezeNotices } from './freeze/freeze-notices.ts';
import { AppError } from '../errors.ts';
import { users } from '../accounts/accounts.tables.ts';
import type { UserRow } from '../accounts/sessions.ts';

/**
 * Locks the buyer's row for the rest of the transaction and returns it fresh. Every change to a
 * buyer's application takes this lock first, and the shop takes a share lock on the same row before
 * a new order or top-up (`shop/buyer-guard.ts`): so an eligibility check made under this lock
 * cannot miss an order that commits while we decide, and two submissions of one buyer queue up.
 */
export async function lockBuyerForUpdate(tx: Db, userId: string): Promise<UserRow> {
  const rows = await tx.select().from(users).where(eq(users.id, userId)).for('update');
  if (!rows[0]) throw new AppError('APPLICATION_NOT_FOUND');
  return rows[0];
}

/**
 * Freezes the account for new orders, top-ups and contact changes (approval), and tells the
 * downstream receivers (`account.frozen`), in the same transaction.
 */
export async function freezeBuyer(ctx: AppContext, tx: Db, userId: string, applicationId: string): Promise<void> {
  const changed = await tx
    .update(users)
    .set({ status: 'frozen' })
    .where(and(eq(users.id, userId), eq(users.status, 'active')))
    .returning({ id: users.id });
  if (changed.length > 0) await queueFreezeNotices(ctx, tx, applicationId, 'account.frozen');
}

/**
 * Lifts the freeze (withdrawal, or a blocker sent the case back to review) and tells the receivers
 * (`account.unfrozen`); erased stays erased. Nothing is sent for an account that was not frozen.
 */
export async function unfreezeBuyer(ctx: AppContext, tx: Db, userId: string, applicationId: string, reason: 'withdrawn' | 'blocked'): Promise<void> {
  const changed = await tx
    .update(users)
    .set({ status: 'active' })
    .where(and(eq(users.id, userId), eq(users.status, 'frozen')))
    .returning({ id: users.id });
  if (changed.length > 0) await queueFreezeNotices(ctx, tx, applicationId, 'account.unfrozen', reason);
}
