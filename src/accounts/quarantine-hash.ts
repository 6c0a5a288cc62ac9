import { createHmac } from 'node:crypto';
import type { AppContext } from '../context.ts';

/** The keyed hash the quarantine keeps (its own secret: it cannot be joined with the blind index). */
export async function quarantineHash(ctx: AppContext, kind: 'email' | 'phone' | 'external', value: string): Promise<string> {
  return createHmac('sha256', await ctx.keys.serviceSecret('erasure-quarantine')).update(`${kind}:${value}`).digest('base64url');
}
