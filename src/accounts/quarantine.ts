import { and, eq, gt } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Identifier } from '../domain/identifiers.ts';
import { erasureQuarantine } from './accounts.tables.ts';
import { quarantineHash } from './quarantine-hash.ts';

/**
 * Whether an identifier of an erased account is still barred from re-registration
 * (`erasure.quarantineDays`). The erasure engine keeps only a keyed hash of the old email or
 * phone (its own secret, unrelated to the blind index) until the quarantine ends.
 */
export async function isQuarantined(ctx: AppContext, identifier: Identifier): Promise<boolean> {
  return isHashQuarantined(ctx, await quarantineHash(ctx, identifier.kind, identifier.value));
}

/** Whether the quarantine still holds this keyed hash (of an identifier or of an external link). */
export async function isHashQuarantined(ctx: AppContext, hash: string): Promise<boolean> {
  const rows = await ctx.db
    .select({ h: erasureQuarantine.identifierHash })
    .from(erasureQuarantine)
    .where(and(eq(erasureQuarantine.identifierHash, hash), gt(erasureQuarantine.expiresAt, ctx.clock.now())))
    .limit(1);
  return rows.length > 0;
}
