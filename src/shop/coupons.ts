import { eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { lockBuyer } from './buyer-guard.ts';
import { shopCoupons, type CouponStatus } from './shop.tables.ts';

const DAY_MS = 86_400_000;

/** Issues a coupon to the buyer (unused, valid 30 days unless said). */
export async function issueCoupon(
  ctx: AppContext,
  input: { userId: string; value: number; currency?: string; status?: CouponStatus; expiresAt?: Date; code?: string },
): Promise<{ couponId: string }> {
  return ctx.db.transaction(async (tx) => {
    await lockBuyer(tx, input.userId);
    const now = ctx.clock.now();
    const couponId = newId('cpn');
    await tx.insert(shopCoupons).values({
      id: couponId,
      buyerId: input.userId,
      code: input.code ?? randomBytes(5).toString('hex').toUpperCase(),
      valueMinor: input.value,
      currency: input.currency ?? 'CNY',
      status: input.status ?? 'unused',
      expiresAt: input.expiresAt ?? new Date(now.getTime() + 30 * DAY_MS),
      issuedAt: now,
    });
    return { couponId };
  });
}

export async function setCouponStatus(ctx: AppContext, couponId: string, status: CouponStatus): Promise<{ couponId: string; status: CouponStatus }> {
  const rows = await ctx.db.update(shopCoupons).set({ status }).where(eq(shopCoupons.id, couponId)).returning({ id: shopCoupons.id });
  if (!rows[0]) throw new AppError('NOT_FOUND', { resource: 'coupon' }, { message: 'No such coupon.' });
  return { couponId, status };
}
