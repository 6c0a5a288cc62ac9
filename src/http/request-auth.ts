import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { isCsrfValid, resolveSession, type SessionRow, type UserRow } from '../accounts/sessions.ts';
import type { Role } from '../accounts/accounts.tables.ts';

export const SESSION_COOKIE = 'adieu_session';

declare module 'fastify' {
  interface FastifyRequest {
    auth: { session: SessionRow; user: UserRow } | null;
  }
}

/** Paths a caller reaches without a session and without CSRF (signed callbacks carry their own proof). */
const CSRF_EXEMPT = new Set(['/api/erasure/confirmations']);

/**
 * Resolves the session cookie on every request, and for a signed-in user checks the CSRF header on
 * every non-GET request (double submit: the token comes from `/api/auth/session`).
 */
export function installRequestAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    await ctx.clock.refresh(ctx.db);
    const token = request.cookies[SESSION_COOKIE];
    request.auth = token ? await resolveSession(ctx, token) : null;
  });
  app.addHook('preHandler', async (request) => {
    if (!request.auth || ['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
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

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
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

/** The client address (from the socket, or the first proxy hop when `trustProxy` is on). */
export const clientIp = (request: FastifyRequest) => request.ip ?? 'unknown';
