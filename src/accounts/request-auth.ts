import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { isCsrfValid, resolveSession, type SessionRow, type UserRow } from './sessions.ts';
import type { Role } from './accounts.tables.ts';
import { rateLimitAddress } from '../http/client-address.ts';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS } from './device-cookie.ts';
import { loggableError } from '../http/error-handler.ts';

export const SESSION_COOKIE = 'adieu_session';

declare module 'fastify' {
  interface FastifyRequest {
    auth: { session: SessionRow; user: UserRow } | null;
  }
}

/** Paths a caller reaches without a session and without CSRF (signed callbacks carry their own proof). */
const CSRF_EXEMPT = new Set(['/api/erasure/confirmations']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a browser says this request comes from another site. Covers what the double-submit
 * token cannot: requests made before there is a session (login CSRF: signing a victim into the
 * attacker's account). Browsers set `Sec-Fetch-Site` and `Origin` themselves; non-browser clients
 * send neither and are not affected.
 */
function isCrossSite(request: FastifyRequest, publicOrigin: string): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (origin === publicOrigin) return false;
  try {
    // The Host header is only compared here, never used to build anything.
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true; // "null" (sandboxed frames, some redirects) or garbage
  }
}

/**
 * Resolves the session cookie on every request, and for a signed-in user checks the CSRF header on
 * every non-GET request (double submit: the token comes from `/api/auth/session`). Any non-GET
 * request a browser marks as cross-site is refused, signed in or not.
 */
export function installRequestAuth(app: FastifyInstance, ctx: AppContext): void {
  const publicOrigin = new URL(ctx.config.publicUrl).origin;
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const exempt = CSRF_EXEMPT.has(request.routeOptions.url ?? '');
    if (!SAFE_METHODS.has(request.method) && !exempt && isCrossSite(request, publicOrigin)) throw new AppError('CSRF_INVALID');
    // Health answers for itself when the database is down; it needs no session.
    if (request.url.startsWith('/api/health')) return;
    const token = request.cookies[SESSION_COOKIE];
    try {
      await ctx.clock.refresh(ctx.db);
      request.auth = token ? await resolveSession(ctx, token) : null;
    } catch (error) {
      // The session store is the database: when it cannot answer, the service is unavailable.
      request.log.error({ err: loggableError(error) }, 'session lookup failed');
      throw new AppError('SERVICE_UNAVAILABLE');
    }
  });
  app.addHook('preHandler', async (request) => {
    if (!request.auth || SAFE_METHODS.has(request.method)) return;
    if (CSRF_EXEMPT.has(request.routeOptions.url ?? '')) return;
    const presented = request.headers['x-csrf-token'];
    if (!(await isCsrfValid(ctx, request.auth.session.id, typeof presented === 'string' ? presented : undefined))) {
      throw new AppError('CSRF_INVALID');
    }
  });
}

export function setSessionCookie(ctx: AppContext, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https:'),
    maxAge: 12 * 60 * 60,
  });
}

/** The browser's device cookie (sign-in lockout): sent only to the sign-in endpoints. */
export function setDeviceCookie(ctx: AppContext, reply: FastifyReply, value: string): void {
  reply.setCookie(DEVICE_COOKIE, value, {
    path: '/api/auth',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https:'),
    maxAge: DEVICE_COOKIE_DAYS * 86_400,
  });
}

export function clearSessionCookie(ctx: AppContext, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.publicUrl.startsWith('https:') });
}

/** The signed-in user, or 401. */
export function requireUser(request: FastifyRequest): { session: SessionRow; user: UserRow } {
  if (!request.auth) throw new AppError('AUTH_REQUIRED');
  return request.auth;
}

/** The signed-in user holding one of the roles (admins hold every role), or 403. */
export function requireRole(request: FastifyRequest, role: Role): { session: SessionRow; user: UserRow } {
  const auth = requireUser(request);
  if (!auth.user.roles.includes(role) && !auth.user.roles.includes('admin')) throw new AppError('FORBIDDEN');
  return auth;
}

/**
 * The client address for rate limits: from the socket, or from `X-Forwarded-For` as far as
 * `http.trustProxy` allows; IPv6 by its /64.
 */
export const clientIp = (request: FastifyRequest) => rateLimitAddress(request.ip ?? 'unknown');
