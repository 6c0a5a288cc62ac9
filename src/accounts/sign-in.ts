import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { parseIdentifier } from '../domain/identifiers.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { newId } from '../ids.ts';
import type { RateLimiter } from '../http/rate-limiter.ts';
import { signInFailures } from './accounts.tables.ts';
import { burnVerification, verifyPassword } from './password/password-hasher.ts';
import { createSession, csrfTokenFor, type SessionRow, type UserRow } from './sessions.ts';
import { verifySecondFactor } from './totp.ts';
import { findUserByIdentifier } from './users.ts';
import { issueDeviceCookie, readDeviceCookie } from './device-cookie.ts';
import { identifierIndex } from './user-crypto.ts';

/** Failed attempts per account (all spellings of one identifier share it) before sign-in pauses. */
export const ACCOUNT_FAILURE_LIMIT = 5;
/** Failed attempts from one trusted browser (device cookie) before that browser is paused too. */
export const DEVICE_FAILURE_LIMIT = 5;
/** Failed attempts per client address before it gets 429. */
export const IP_FAILURE_LIMIT = 30;
export const FAILURE_WINDOW_SECONDS = 15 * 60;

/** The process's shared counters (PostgreSQL or Redis, chosen at start-up). */
export async function rateLimiter(ctx: AppContext): Promise<RateLimiter> {
  return ctx.rateLimiter;
}

export interface SignInInput {
  identifier: string;
  password: string;
  totp?: string;
}

export interface SignInResult {
  token: string;
  /** The browser's device cookie after a password sign-in: kept when already trusted for this account, else new. */
  deviceCookie?: string;
  session: SessionRow;
  user: UserRow;
  csrfToken: string;
}

/**
 * Signs in. Unknown account, wrong password and paused account give the same 401 after the same
 * argon2 work, so none can be told apart. Only the client address ever gets 429.
 *
 * Lockout follows OWASP's device cookies: failures from untrusted clients pause untrusted clients
 * for that account, while a browser holding a valid device cookie of the account has a failure
 * budget of its own, so strangers guessing a buyer's password cannot keep the buyer out.
 */
export async function signIn(ctx: AppContext, input: SignInInput, client: { ip: string; userAgent?: string; deviceCookie?: string }): Promise<SignInResult> {
  const now = ctx.clock.now();
  const limiter = await rateLimiter(ctx);
  const ipState = await limiter.peek('login-ip', client.ip, now);
  if (ipState.count >= IP_FAILURE_LIMIT) {
    throw new AppError('RATE_LIMITED', { retryAfterSeconds: ipState.retryAfterSeconds }, { headers: { 'retry-after': String(ipState.retryAfterSeconds) } });
  }

  const identifier = parseIdentifier(input.identifier);
  const accountKey = identifier ? await identifierIndex(ctx, identifier) : `invalid:${input.identifier.slice(0, 64)}`;
  const [accountState, user, device] = await Promise.all([
    limiter.peek('login-account', accountKey, now),
    identifier ? findUserByIdentifier(ctx, identifier) : Promise.resolve(null),
    readDeviceCookie(ctx, client.deviceCookie),
  ]);
  const trusted = !!user && device?.userId === user.id ? device : null;
  const paused = trusted
    ? (await limiter.peek('login-device', trusted.nonce, now)).count >= DEVICE_FAILURE_LIMIT
    : accountState.count >= ACCOUNT_FAILURE_LIMIT;

  let passwordOk = false;
  if (!user || !user.passwordHash || user.status === 'erased' || paused) await burnVerification(input.password);
  else passwordOk = await verifyPassword(user.passwordHash, input.password);

  const fail = async (code: 'AUTH_INVALID_CREDENTIALS' | 'TOTP_INVALID') => {
    await limiter.hit('login-ip', client.ip, IP_FAILURE_LIMIT, FAILURE_WINDOW_SECONDS, now);
    if (trusted) await limiter.hit('login-device', trusted.nonce, DEVICE_FAILURE_LIMIT, FAILURE_WINDOW_SECONDS, now);
    else await limiter.hit('login-account', accountKey, ACCOUNT_FAILURE_LIMIT, FAILURE_WINDOW_SECONDS, now);
    if (user && user.status !== 'erased') await ctx.db.insert(signInFailures).values({ id: newId('slf'), userId: user.id, at: now });
    throw new AppError(code);
  };
  if (!user || !passwordOk) return fail('AUTH_INVALID_CREDENTIALS');
  // Without local accounts (identity.local false) buyers sign in through the platform; staff keep passwords.
  if (!ctx.config.identity.local && user.roles.every((role) => role === 'buyer')) return fail('AUTH_INVALID_CREDENTIALS');

  if (user.totpEnabled) {
    if (!input.totp) throw new AppError('TOTP_REQUIRED');
    if (!(await verifySecondFactor(ctx, user, input.totp))) return fail('TOTP_INVALID');
  }

  // Most sign-ins follow no failure: nothing to reset, and one write fewer on the hot path. A trusted
  // browser's success leaves the untrusted clients' pause alone: a stranger may still be guessing.
  if (trusted) await limiter.reset('login-device', trusted.nonce);
  else if (accountState.count > 0) await limiter.reset('login-account', accountKey);
  const result = await ctx.db.transaction(async (tx) => {
    const created = await createSession(ctx, tx, user.id, client.userAgent);
    await appendAudit(tx, { at: now, actor: user.subjectId, action: 'auth.signed_in', subject: user.subjectId, target: created.session.id });
    return created;
  });
  const deviceCookie = trusted ? client.deviceCookie! : await issueDeviceCookie(ctx, user.id);
  return { ...result, user, deviceCookie, csrfToken: await csrfTokenFor(ctx, result.session.id) };
}
