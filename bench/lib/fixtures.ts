import type { AppContext } from '../../src/context.ts';
import { signUp } from '../../src/accounts/sign-up.ts';
import { newId } from '../../src/ids.ts';
import { applicationEvents, applications } from '../../src/cancellation/cancellation.tables.ts';

export const BENCH_PASSWORD = 'bench passphrase that is long';

/** A buyer signed up through the real service (argon2 hash, encrypted identifiers, audit). */
export async function createBuyer(ctx: AppContext, n: number | string): Promise<{ userId: string; email: string }> {
  const email = `bench-buyer-${n}@example.com`;
  const { userId } = await signUp(ctx, { email, password: BENCH_PASSWORD, displayName: `Bench Buyer ${n}` });
  return { userId, email };
}

/**
 * An open application with a short timeline, written directly (the workflow's own checks are not
 * what these scenarios measure): what a buyer waiting for review sees on GET /api/cancellation.
 */
export async function insertOpenApplication(ctx: AppContext, userId: string): Promise<string> {
  const id = newId('app');
  const now = ctx.clock.now();
  const due = new Date(now.getTime() + 21 * 86_400_000);
  await ctx.db.insert(applications).values({
    id,
    userId,
    status: 'in_review',
    version: 2,
    reasonCode: 'NO_LONGER_USE',
    submittedAt: now,
    cycleStartedAt: now,
    dueAt: due,
    slaRemindAt: new Date(now.getTime() + 17 * 86_400_000),
    updatedAt: now,
  });
  await ctx.db.insert(applicationEvents).values([
    { id: newId('evt'), applicationId: id, at: now, event: 'submitted', detail: { reasonCode: 'NO_LONGER_USE' }, actorRole: 'buyer' },
    { id: newId('evt'), applicationId: id, at: now, event: 'claimed', actorRole: 'reviewer' },
  ]);
  return id;
}
