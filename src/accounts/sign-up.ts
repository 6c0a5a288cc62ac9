import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { normaliseEmail, normalisePhone } from '../domain/identifiers.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { isPasswordAcceptable } from './password/password-policy.ts';
import { findUserByIdentifier, insertUser } from './users.ts';
import { isQuarantined } from './quarantine.ts';

export interface SignUpInput {
  email?: string;
  phone?: string;
  password: string;
  displayName: string;
  locale?: string;
  /** The browser's IANA zone (validated by the route). */
  timeZone?: string;
}

/** Sign-ups one address may attempt per hour. */
const SIGN_UPS_PER_ADDRESS = 20;
const SIGN_UP_WINDOW_SECONDS = 3600;

/**
 * POST /api/auth/signup: local accounts must be on, and one address gets a bounded number of
 * attempts an hour (RATE_LIMITED with retry-after), then `signUp`.
 */
export async function signUpFromAddress(ctx: AppContext, clientAddress: string, input: SignUpInput): Promise<{ userId: string }> {
  if (!ctx.config.identity.local) throw new AppError('LOCAL_ACCOUNTS_DISABLED');
  const limit = await ctx.rateLimiter.hit('signup-ip', clientAddress, SIGN_UPS_PER_ADDRESS, SIGN_UP_WINDOW_SECONDS, ctx.clock.now());
  if (!limit.allowed) throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(limit.retryAfterSeconds) } });
  return signUp(ctx, input);
}

/** Creates a buyer account. Identifiers are normalised first so variants cannot make twins. */
export async function signUp(ctx: AppContext, input: SignUpInput): Promise<{ userId: string }> {
  const fields: Record<string, string> = {};
  const email = input.email ? normaliseEmail(input.email) : null;
  const phone = input.phone ? normalisePhone(input.phone) : null;
  if (input.email && !email) fields.email = 'Enter a valid email address.';
  if (input.phone && !phone) fields.phone = 'Enter a phone number with its country code, like +86 138 0000 0000.';
  if (!input.email && !input.phone) fields.email = 'Give an email address or a phone number.';
  if (!isPasswordAcceptable(input.password, [input.displayName, email ?? '', phone ?? ''])) {
    fields.password = 'Use 12 to 128 characters that are not a common or easily guessed password.';
  }
  if (Object.keys(fields).length > 0) throw new AppError('VALIDATION_FAILED', { fields });

  for (const identifier of [email && { kind: 'email' as const, value: email }, phone && { kind: 'phone' as const, value: phone }]) {
    if (!identifier) continue;
    if ((await findUserByIdentifier(ctx, identifier)) || (await isQuarantined(ctx, identifier))) throw new AppError('IDENTIFIER_TAKEN');
  }
  try {
    return await ctx.db.transaction(async (tx) => {
      const user = await insertUser(ctx, tx, { email, phone, password: input.password, displayName: input.displayName.trim(), locale: input.locale, timeZone: input.timeZone });
      await appendAudit(tx, { at: ctx.clock.now(), actor: user.subjectId, action: 'account.created', subject: user.subjectId });
      return { userId: user.id };
    });
  } catch (error) {
    // Two sign-ups racing for one identifier: the unique blind index lets exactly one through.
    if ((error as { code?: string; cause?: { code?: string } }).code === '23505' || (error as any)?.cause?.code === '23505') {
      throw new AppError('IDENTIFIER_TAKEN');
    }
    throw error;
  }
}
