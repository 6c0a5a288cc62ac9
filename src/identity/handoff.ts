import type { JWTVerifyGetKey } from 'jose';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { clientIp } from '../accounts/request-auth.ts';
import { signInExternal, type ExternalSignIn } from './external-buyer.ts';
import { useTokenIdOnce } from './token-ids.ts';
import { loadJose } from '../keys/load-jose.ts';

/** The only algorithms a handoff token may use (asymmetric: the platform keeps the private key). */
export const HANDOFF_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
/** A handoff token is for immediate use: it may expire at most this far ahead. */
export const HANDOFF_MAX_LIFETIME_SECONDS = 5 * 60;
/** Refused handoff tokens per client address in the window before it gets 429. */
const FAILURE_LIMIT = 30;
const FAILURE_WINDOW_SECONDS = 15 * 60;
/** `auth_time` at most this old makes the new session a step-up (like POST /api/auth/reauth). */
const STEP_UP_MAX_AGE_SECONDS = 60;

const keySets = new WeakMap<AppContext, JWTVerifyGetKey>();

/** The platform's JWKS, fetched once and again when a token names an unknown key (rotation). */
async function platformKeys(ctx: AppContext, jwksUrl: string): Promise<JWTVerifyGetKey> {
  const { createRemoteJWKSet } = await loadJose();
  let keys = keySets.get(ctx);
  if (!keys) keySets.set(ctx, (keys = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })));
  return keys;
}

/**
 * Verifies a handoff token (signature against the platform's JWKS, algorithm allow-list, `iss`,
 * `aud`, `exp` at most 5 minutes ahead, `jti` once on any server) and signs its buyer in.
 */
export async function signInWithHandoff(ctx: AppContext, request: FastifyRequest, token: string): Promise<ExternalSignIn> {
  const settings = ctx.config.identity.handoff;
  if (!settings) throw new AppError('NOT_FOUND');
  // Refused tokens count per client address, like failed sign-ins.
  const now = ctx.clock.now();
  const ip = clientIp(request);
  const ipState = await ctx.rateLimiter.peek('handoff-ip', ip, now);
  if (ipState.count >= FAILURE_LIMIT) throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(ipState.retryAfterSeconds) } });
  try {
    return await verifyAndSignIn(ctx, request, settings, token);
  } catch (error) {
    if (error instanceof AppError && error.code === 'HANDOFF_INVALID') await ctx.rateLimiter.hit('handoff-ip', ip, FAILURE_LIMIT, FAILURE_WINDOW_SECONDS, now);
    throw error;
  }
}

async function verifyAndSignIn(
  ctx: AppContext,
  request: FastifyRequest,
  settings: NonNullable<AppContext['config']['identity']['handoff']>,
  token: string,
): Promise<ExternalSignIn> {
  const { jwtVerify } = await loadJose();
  let payload;
  try {
    ({ payload } = await jwtVerify(token, await platformKeys(ctx, settings.jwksUrl), {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: HANDOFF_ALGORITHMS,
      requiredClaims: ['sub', 'exp', 'jti'],
    }));
  } catch (error) {
    // Only the kind of failure is logged, never the token.
    request.log.warn({ handoffError: (error as { code?: string }).code ?? 'unknown' }, 'handoff token refused');
    throw new AppError('HANDOFF_INVALID');
  }
  const nowSeconds = Date.now() / 1000;
  const { sub, jti, exp } = payload as { sub: string; jti: unknown; exp: number };
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 200 || sub.length > 500) throw new AppError('HANDOFF_INVALID');
  if (exp - nowSeconds > HANDOFF_MAX_LIFETIME_SECONDS) throw new AppError('HANDOFF_INVALID');
  if (!(await useTokenIdOnce(ctx, settings.issuer, jti, new Date(exp * 1000)))) throw new AppError('HANDOFF_INVALID');

  const authTime = typeof payload.auth_time === 'number' ? payload.auth_time : null;
  return signInExternal(
    ctx,
    {
      method: 'handoff',
      issuer: settings.issuer,
      sub,
      email: payload.email,
      emailVerified: payload.email_verified ?? true,
      phone: payload.phone_number,
      phoneVerified: payload.phone_number_verified ?? true,
      name: payload.name,
    },
    {
      userAgent: request.headers['user-agent'],
      reauthenticated: authTime !== null && nowSeconds - authTime <= STEP_UP_MAX_AGE_SECONDS && authTime <= nowSeconds + 5,
    },
  );
}
