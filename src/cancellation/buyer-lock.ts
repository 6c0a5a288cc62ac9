import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
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

/** Freezes the account for new orders, top-ups and contact changes (approval). */
export async function freezeBuyer(tx: Db, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({ status: 'frozen' })
    .where(and(eq(users.id, userId), eq(users.status, 'active')));
}

/** Lifts the freeze (withdrawal, or a blocker sent the case back to review); erased stays erased. */
export async function unfreezeBuyer(tx: Db, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({ status: 'active' })
    .where(and(eq(users.id, userId), eq(users.status, 'frozen')));
}
