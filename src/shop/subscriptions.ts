import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { lockActiveBuyer, lockBuyer } from './buyer-guard.ts';
import { shopSubscriptions, type SubscriptionStatus } from './shop.tables.ts';

const DAY_MS = 86_400_000;
const notFound = () => new AppError('NOT_FOUND', { resource: 'subscription' }, { message: 'No such subscription.' });

/** Starts a subscription (active unless said), renewing monthly. Refused on a frozen account. */
export async function startSubscription(
  ctx: AppContext,
  input: { userId: string; planName?: string; price?: number; currency?: string; status?: SubscriptionStatus },
): Promise<{ subscriptionId: string }> {
  return ctx.db.transaction(async (tx) => {
    const status = input.status ?? 'active';
    // A new active subscription is a new purchase: refused on a frozen account, like an order.
    if (status === 'active') await lockActiveBuyer(tx, input.userId);
    else await lockBuyer(tx, input.userId);
    const now = ctx.clock.now();
    const subscriptionId = newId('sbs');
    await tx.insert(shopSubscriptions).values({
      id: subscriptionId,
      buyerId: input.userId,
      planName: input.planName ?? 'Plus membership',
      status,
      priceMinor: input.price ?? 1500,
      currency: input.currency ?? 'CNY',
      startedAt: now,
      renewsAt: status === 'active' ? new Date(now.getTime() + 30 * DAY_MS) : null,
      cancelledAt: status === 'cancelled' ? now : null,
    });
    return { subscriptionId };
  });
}

export async function setSubscriptionStatus(ctx: AppContext, subscriptionId: string, status: SubscriptionStatus, ownerId?: string): Promise<{ subscriptionId: string; status: SubscriptionStatus }> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .update(shopSubscriptions)
    .set(status === 'cancelled' ? { status, cancelledAt: now, renewsAt: null } : { status, cancelledAt: null, renewsAt: new Date(now.getTime() + 30 * DAY_MS) })
    .where(ownerId ? and(eq(shopSubscriptions.id, subscriptionId), eq(shopSubscriptions.buyerId, ownerId)) : eq(shopSubscriptions.id, subscriptionId))
    .returning({ id: shopSubscriptions.id });
  if (!rows[0]) throw notFound();
  return { subscriptionId, status };
}
