import type { AppContext } from '../context.ts';
import { lt } from 'drizzle-orm';
import { usedTokenIds } from './identity.tables.ts';

/**
 * Records a token's `jti` as used; false when it was used before (on any server: the database is
 * the one place every server shares). The row lives until the token would have expired anyway.
 */
export async function useTokenIdOnce(ctx: AppContext, issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
  const rows = await ctx.db.insert(usedTokenIds).values({ issuer, jti, expiresAt }).onConflictDoNothing().returning({ jti: usedTokenIds.jti });
  return rows.length === 1;
}

/** Timer: forgets token ids whose tokens expired (a replay would fail on `exp` anyway). */
export async function purgeUsedTokenIds(ctx: AppContext): Promise<number> {
  // Real time: token expiry is the issuer's clock, not the (possibly moved) service clock.
  const rows = await ctx.db.delete(usedTokenIds).where(lt(usedTokenIds.expiresAt, new Date(Date.now() - 60_000))).returning({ jti: usedTokenIds.jti });
  return rows.length;
}
