import { asc, inArray } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { openForUser, sealForUser } from '../accounts/user-crypto.ts';
import { externalIdentities } from './identity.tables.ts';

/**
 * The platform's own id of a buyer (`externalId`): the `sub` its identity provider or handoff
 * token names the buyer by, or the id the platform gave for a local account. It is what the
 * platform's services, tables and receivers know the buyer by, so eligibility providers, erasure
 * steps and webhooks are told it next to Adieu's pseudonymous subject id.
 */

/** Longest id accepted: ids are opaque strings of the platform, not documents. */
export const EXTERNAL_ID_MAX = 255;

export function sealExternalId(ctx: AppContext, userId: string, externalId: string): Promise<string> {
  return sealForUser(ctx, userId, 'externalId', externalId);
}

/**
 * Each buyer's external id, by user id (buyers without one are absent). A buyer linked to several
 * issuers is known by the id of the first link: one id per buyer keeps every receiver's answer
 * unambiguous.
 */
export async function externalIdsOf(ctx: AppContext, db: Db, userIds: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (userIds.length === 0) return found;
  const rows = await db
    .select({ userId: externalIdentities.userId, sealed: externalIdentities.externalIdEnc })
    .from(externalIdentities)
    .where(inArray(externalIdentities.userId, [...new Set(userIds)]))
    .orderBy(asc(externalIdentities.createdAt), asc(externalIdentities.id));
  for (const row of rows) {
    if (found.has(row.userId) || !row.sealed) continue;
    const value = await openForUser(ctx, row.userId, 'externalId', row.sealed);
    if (value) found.set(row.userId, value);
  }
  return found;
}

/** The buyer's external id, or null when the platform never named them (or they were erased). */
export async function externalIdOf(ctx: AppContext, db: Db, userId: string): Promise<string | null> {
  return (await externalIdsOf(ctx, db, [userId])).get(userId) ?? null;
}
