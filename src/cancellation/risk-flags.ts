import { and, count, eq, gte } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { signInFailures } from '../accounts/accounts.tables.ts';
import type { UserRow } from '../accounts/sessions.ts';

export type RiskFlag = 'contact_changed' | 'new_account' | 'failed_sign_ins';

const DAY_MS = 86_400_000;
/** A contact change this recent may mean a taken-over account closing itself. */
export const CONTACT_CHANGE_WINDOW_MS = 7 * DAY_MS;
/** An account younger than this has no history to judge by. */
export const NEW_ACCOUNT_MS = DAY_MS;
/** This many failed sign-ins in the window suggest someone guessing the password. */
export const FAILED_SIGN_IN_THRESHOLD = 5;
export const FAILED_SIGN_IN_WINDOW_MS = 7 * DAY_MS;

/**
 * Why an application needs a second reviewer (four eyes), judged at submission. Each flag is a
 * sign that the person asking may not be the account's owner.
 */
export async function riskFlagsFor(db: Db, user: UserRow, now: Date): Promise<RiskFlag[]> {
  const flags: RiskFlag[] = [];
  if (user.contactChangedAt && now.getTime() - user.contactChangedAt.getTime() < CONTACT_CHANGE_WINDOW_MS) flags.push('contact_changed');
  if (now.getTime() - user.createdAt.getTime() < NEW_ACCOUNT_MS) flags.push('new_account');
  const [{ failures }] = await db
    .select({ failures: count() })
    .from(signInFailures)
    .where(and(eq(signInFailures.userId, user.id), gte(signInFailures.at, new Date(now.getTime() - FAILED_SIGN_IN_WINDOW_MS))));
  if (failures >= FAILED_SIGN_IN_THRESHOLD) flags.push('failed_sign_ins');
  return flags;
}
