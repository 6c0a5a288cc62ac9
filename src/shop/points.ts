import type { AppContext } from '../context.ts';
import { lockBuyer } from './buyer-guard.ts';
import { shopPointsBalances } from './shop.tables.ts';

/** Sets the buyer's loyalty points balance. */
export async function setPoints(ctx: AppContext, input: { userId: string; points: number }): Promise<{ userId: string; points: number }> {
  return ctx.db.transaction(async (tx) => {
    await lockBuyer(tx, input.userId);
    const now = ctx.clock.now();
    await tx
      .insert(shopPointsBalances)
      .values({ buyerId: input.userId, points: input.points, updatedAt: now })
      .onConflictDoUpdate({ target: shopPointsBalances.buyerId, set: { points: input.points, updatedAt: now } });
    return { userId: input.userId, points: input.points };
  });
}
