import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { lockBuyer } from './buyer-guard.ts';
import { requireOwnOrder } from './orders.ts';
import { shopDisputes, type DisputeStatus } from './shop.tables.ts';

/**
 * Opens (or records) a dispute. Allowed on a frozen account: disputes are raised about past
 * orders, and one appearing during the grace period must reach the eligibility re-check.
 */
export async function openDispute(ctx: AppContext, input: { userId: string; orderId?: string; status?: DisputeStatus; reason?: string }): Promise<{ disputeId: string }> {
  return ctx.db.transaction(async (tx) => {
    await lockBuyer(tx, input.userId);
    if (input.orderId) await requireOwnOrder(tx, input.userId, input.orderId);
    const now = ctx.clock.now();
    const disputeId = newId('dsp');
    const status = input.status ?? 'open';
    await tx.insert(shopDisputes).values({
      id: disputeId,
      buyerId: input.userId,
      orderId: input.orderId ?? null,
      status,
      reason: input.reason ?? null,
      openedAt: now,
      closedAt: status === 'closed' ? now : null,
    });
    return { disputeId };
  });
}

export async function setDisputeStatus(ctx: AppContext, disputeId: string, status: DisputeStatus): Promise<{ disputeId: string; status: DisputeStatus }> {
  const rows = await ctx.db
    .update(shopDisputes)
    .set({ status, closedAt: status === 'closed' ? ctx.clock.now() : null })
    .where(eq(shopDisputes.id, disputeId))
    .returning({ id: shopDisputes.id });
  if (!rows[0]) throw new AppError('NOT_FOUND', { resource: 'dispute' }, { message: 'No such dispute.' });
  return { disputeId, status };
}
