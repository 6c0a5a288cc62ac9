import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { lockBuyer } from './buyer-guard.ts';
import { requireOwnOrder } from './orders.ts';
import { shopRefunds, type RefundStatus } from './shop.tables.ts';

/** Records a refund (in progress unless said). Allowed on a frozen account: money flows back to the buyer. */
export async function createRefund(
  ctx: AppContext,
  input: { userId: string; orderId?: string; amount: number; currency?: string; status?: RefundStatus },
): Promise<{ refundId: string }> {
  return ctx.db.transaction(async (tx) => {
    await lockBuyer(tx, input.userId);
    if (input.orderId) await requireOwnOrder(tx, input.userId, input.orderId);
    const now = ctx.clock.now();
    const refundId = newId('rfd');
    const status = input.status ?? 'in_progress';
    await tx.insert(shopRefunds).values({
      id: refundId,
      buyerId: input.userId,
      orderId: input.orderId ?? null,
      status,
      amountMinor: input.amount,
      currency: input.currency ?? 'CNY',
      requestedAt: now,
      completedAt: status === 'done' ? now : null,
    });
    return { refundId };
  });
}

export async function setRefundStatus(ctx: AppContext, refundId: string, status: RefundStatus): Promise<{ refundId: string; status: RefundStatus }> {
  const rows = await ctx.db
    .update(shopRefunds)
    .set({ status, completedAt: status === 'done' ? ctx.clock.now() : null })
    .where(eq(shopRefunds.id, refundId))
    .returning({ id: shopRefunds.id });
  if (!rows[0]) throw new AppError('NOT_FOUND', { resource: 'refund' }, { message: 'No such refund.' });
  return { refundId, status };
}
