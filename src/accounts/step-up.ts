import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { csrfTokenFor, rotateForStepUp, type SessionRow, type UserRow } from './sessions.ts';
import { verifyPassword } from './password/password-hasher.ts';
import { rateLimiter } from './sign-in.ts';
import { verifySecondFactor } from './totp.ts';

/** Wrong step-up proofs a signed-in session may try before it is paused. */
const STEP_UP_ATTEMPTS = 5;
const STEP_UP_WINDOW_SECONDS = 15 * 60;

export type StepUpProof = { password: string } | { totp: string };

/**
 * Checks a signed-in user's proof of presence (password, or an authenticator or recovery code),
 * with its own attempt budget so a stolen cookie cannot guess the password through it.
 * Throws RATE_LIMITED, AUTH_INVALID_CREDENTIALS or TOTP_INVALID.
 */
export async function verifyStepUp(ctx: AppContext, user: UserRow, proof: StepUpProof): Promise<void> {
  const limiter = await rateLimiter(ctx);
  const attempts = await limiter.peek('reauth-user', user.id, ctx.clock.now());
  if (attempts.count >= STEP_UP_ATTEMPTS) {
    throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(attempts.retryAfterSeconds) } });
  }
  const ok =
    'password' in proof
      ? !!user.passwordHash && (await verifyPassword(user.passwordHash, proof.password))
      : user.totpEnabled && (await verifySecondFactor(ctx, user, proof.totp));
  if (!ok) {
    await limiter.hit('reauth-user', user.id, STEP_UP_ATTEMPTS, STEP_UP_WINDOW_SECONDS, ctx.clock.now());
    throw new AppError('password' in proof ? 'AUTH_INVALID_CREDENTIALS' : 'TOTP_INVALID');
  }
  await limiter.reset('reauth-user', user.id);
}

/**
 * Turning a second factor off needs that factor itself, not the password alone: whoever learned the
 * password must not be able to remove the one thing they do not have.
 */
export async function verifySecondFactorStepUp(ctx: AppContext, user: UserRow, code: string | undefined): Promise<void> {
  if (!code) throw new AppError('SECOND_FACTOR_REQUIRED');
  await verifyStepUp(ctx, user, { totp: code });
}

/**
 * POST /api/auth/reauth: checks the proof, then rotates the session's token with its new step-up
 * window and writes the audit entry in one transaction. Returns the new cookie token.
 */
export async function stepUp(
  ctx: AppContext,
  user: UserRow,
  session: SessionRow,
  proof: StepUpProof,
): Promise<{ token: string; reauthenticatedUntil: Date; csrfToken: string }> {
  await verifyStepUp(ctx, user, proof);
  const rotated = await ctx.db.transaction(async (tx) => {
    const result = await rotateForStepUp(ctx, session.id, tx);
    await appendAudit(tx, { at: ctx.clock.now(), actor: user.subjectId, action: 'auth.reauthenticated', subject: user.subjectId, target: session.id });
    return result;
  });
  return { ...rotated, csrfToken: await csrfTokenFor(ctx, session.id) };
}
