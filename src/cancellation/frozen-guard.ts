import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * What a frozen buyer (approved, in grace) may still do besides reading: sign in and out, confirm
 * it is them, withdraw the request, and end their other sessions. Everything else that changes
 * something is refused with 409 ACCOUNT_FROZEN.
 */
const ALLOWED_WHILE_FROZEN = new Set([
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'POST /api/auth/reauth',
  'POST /api/auth/password/forgot',
  'POST /api/auth/password/reset',
  'POST /api/cancellation/withdraw',
  'DELETE /api/account/sessions/:id',
  'DELETE /api/account/sessions',
  // The right of access stays open during grace, until erasure starts.
  'POST /api/account/exports',
]);

/** Installs the freeze: after request auth, before any handler of the API. */
export function installFrozenGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    if (request.auth?.user.status !== 'frozen') return;
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
    const route = request.routeOptions.url ?? '';
    // Dev tools are fixtures for tests and demos, not the buyer acting.
    if (route.startsWith('/api/dev/') || ALLOWED_WHILE_FROZEN.has(`${request.method} ${route}`)) return;
    throw new AppError('ACCOUNT_FROZEN');
  });
}
