import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { users, type UserStatus } from '../accounts/accounts.tables.ts';

/**
 * Reads the buyer's account status and holds a share lock on the row until the caller's
 * transaction ends. The approval that freezes an account updates the same row, so a new order or a
 * top-up and a freeze are serialised: the order lands before the freeze (and the approval's
 * eligibility check, which locks the row first, sees it) or the order sees `frozen` and is refused.
 */
export async function lockBuyer(tx: Db, userId: string): Promise<UserStatus> {
  const rows = await tx.select({ status: users.status }).from(users).where(eq(users.id, userId)).for('share');
  if (!rows[0]) throw new AppError('NOT_FOUND', { resource: 'user' }, { message: 'No such user.' });
  return rows[0].status;
}

/** Like `lockBuyer`, and refuses accounts that are being closed (frozen) or are gone (erased). */
export async function lockActiveBuyer(tx: Db, userId: string): Promise<void> {
  const status = await lockBuyer(tx, userId);
  if (status !== 'active') throw new AppError('ACCOUNT_FROZEN');
}
