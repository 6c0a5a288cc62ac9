import type { AppContext } from '../context.ts';
import { openForUser } from '../accounts/user-crypto.ts';
import { externalIdOf } from '../identity/external-id.ts';
import type { ParamValues } from './params.ts';

/**
 * Every identity the data map can reach a buyer's rows by, read while the buyer's key exists:
 * Adieu's ids, the platform's id and the contact details. The dry run and the data export read
 * the stores with them (a running erasure takes them from its sealed secrets instead).
 */
export async function subjectIdentities(
  ctx: AppContext,
  user: { id: string; subjectId: string; emailEnc: string | null; phoneEnc: string | null },
): Promise<Omit<ParamValues, 'now'>> {
  return {
    userId: user.id,
    subjectId: user.subjectId,
    externalId: await externalIdOf(ctx, ctx.db, user.id),
    email: await openForUser(ctx, user.id, 'email', user.emailEnc),
    phone: await openForUser(ctx, user.id, 'phone', user.phoneEnc),
  };
}
