import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { maskEmail } from '../domain/identifiers.ts';
import { findUserById } from '../accounts/users.ts';
import { openForUser } from '../accounts/user-crypto.ts';
import { verifyPassword } from '../accounts/password/password-hasher.ts';
import type { SignInResult } from '../accounts/sign-in.ts';
import { clearFlowCookie, readFlowCookie, setFlowCookie } from './flow-cookie.ts';
import { linkAndSignIn, type ExternalClaims } from './external-buyer.ts';

/**
 * A provider's buyer whose verified email belongs to a local account: the accounts are linked only
 * after the local password is given once, in the same browser, within the flow's 10 minutes.
 */
const LINK_COOKIE = 'adieu_link';
const ATTEMPTS = 5;
const WINDOW_SECONDS = 15 * 60;

interface PendingLink {
  localUserId: string;
  claims: ExternalClaims;
  returnTo: string;
}

export async function requireLink(ctx: AppContext, reply: FastifyReply, localUserId: string, claims: ExternalClaims, returnTo: string): Promise<void> {
  const pending: PendingLink = { localUserId, claims, returnTo };
  await setFlowCookie(ctx, reply, LINK_COOKIE, 'link', { ...pending });
}

async function pendingLink(ctx: AppContext, request: FastifyRequest): Promise<PendingLink> {
  const pending = await readFlowCookie<PendingLink>(ctx, request, LINK_COOKIE, 'link');
  if (!pending) throw new AppError('LINK_EXPIRED');
  return pending;
}

/** What the link page shows: the local account's email, masked. */
export async function describePendingLink(ctx: AppContext, request: FastifyRequest): Promise<{ email: string | null; returnTo: string }> {
  const pending = await pendingLink(ctx, request);
  const user = await findUserById(ctx.db, pending.localUserId);
  const email = user ? await openForUser(ctx, user.id, 'email', user.emailEnc) : null;
  return { email: email ? maskEmail(email) : null, returnTo: pending.returnTo };
}

/** Checks the local password (rate-limited per account), links, signs in. */
export async function completeLink(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  password: string,
): Promise<{ result: SignInResult; returnTo: string }> {
  const pending = await pendingLink(ctx, request);
  const user = await findUserById(ctx.db, pending.localUserId);
  if (!user || user.status === 'erased' || !user.passwordHash) throw new AppError('LINK_EXPIRED');
  const now = ctx.clock.now();
  const attempts = await ctx.rateLimiter.peek('link-user', user.id, now);
  if (attempts.count >= ATTEMPTS) throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(attempts.retryAfterSeconds) } });
  if (!(await verifyPassword(user.passwordHash, password))) {
    await ctx.rateLimiter.hit('link-user', user.id, ATTEMPTS, WINDOW_SECONDS, now);
    throw new AppError('AUTH_INVALID_CREDENTIALS');
  }
  await ctx.rateLimiter.reset('link-user', user.id);
  const result = await linkAndSignIn(ctx, user, pending.claims, { userAgent: request.headers['user-agent'] });
  clearFlowCookie(ctx, reply, LINK_COOKIE);
  return { result, returnTo: pending.returnTo };
}
