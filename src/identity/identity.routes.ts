import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { endSession } from '../accounts/sessions.ts';
import type { SignInResult } from '../accounts/sign-in.ts';
import { openForUser } from '../accounts/user-crypto.ts';
import { PASSWORD_MAX } from '../accounts/password/password-policy.ts';
import { setSessionCookie } from '../accounts/request-auth.ts';
import { completeOidc, startOidc } from './oidc-sign-in.ts';
import { completeLink, describePendingLink, requireLink } from './link-account.ts';
import { signInWithHandoff } from './handoff.ts';
import { backchannelLogout } from './backchannel-logout.ts';
import { safeReturnTo } from '../domain/return-to.ts';

/** Answers a new session like POST /api/auth/login does. */
async function signedIn(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, result: SignInResult) {
  // Signing in over a live session replaces it: one browser, one session.
  if (request.auth) await endSession(ctx.db, request.auth.session.id);
  setSessionCookie(ctx, reply, result.token);
  const displayName = await openForUser(ctx, result.user.id, 'displayName', result.user.displayNameEnc);
  return { user: { id: result.user.id, displayName: displayName ?? '', roles: result.user.roles }, csrfToken: result.csrfToken };
}

export function identityRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const { oidc, handoff } = ctx.config.identity;
  return async (app) => {
    if (oidc) {
      // The provider posts logout tokens as a form (this parser is scoped to these routes).
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });

      app.get(
        '/api/auth/oidc/start',
        {
          schema: {
            tags: ['auth'],
            querystring: z.object({ returnTo: z.string().max(500).optional(), stepUp: z.enum(['0', '1']).optional(), retry: z.enum(['1']).optional() }),
          },
        },
        async (request, reply) => {
          const { returnTo, stepUp, retry } = request.query;
          const location = await startOidc(ctx, request, reply, { returnTo, stepUp: stepUp === '1', retried: retry === '1' });
          return reply.redirect(location, 302);
        },
      );

      app.get('/api/auth/oidc/callback', { schema: { tags: ['auth'] } }, async (request, reply) => reply.redirect(await completeOidc(ctx, request, reply), 302));

      app.post(
        '/api/auth/oidc/backchannel-logout',
        { schema: { tags: ['auth'], body: z.object({ logout_token: z.string().min(1).max(8000) }) } },
        async (request, reply) => {
          await backchannelLogout(ctx, request, request.body.logout_token);
          return reply.header('cache-control', 'no-store').status(200).send({ loggedOut: true });
        },
      );
    }

    if (oidc || handoff) {
      app.get('/api/auth/link', { schema: { tags: ['auth'] } }, async (request) => describePendingLink(ctx, request));

      app.post(
        '/api/auth/link',
        { schema: { tags: ['auth'], body: z.object({ password: z.string().min(1).max(PASSWORD_MAX * 4) }).strict() } },
        async (request, reply) => {
          const { result, returnTo } = await completeLink(ctx, request, reply, request.body.password);
          return { ...(await signedIn(ctx, request, reply, result)), returnTo };
        },
      );
    }

    if (handoff) {
      app.post(
        '/api/auth/handoff',
        { schema: { tags: ['auth'], body: z.object({ token: z.string().min(1).max(8000), returnTo: z.string().max(500).optional() }).strict() } },
        async (request, reply) => {
          const outcome = await signInWithHandoff(ctx, request, request.body.token);
          if (outcome.kind === 'link_required') {
            // A local account holds this verified email: the link page asks for its password once.
            await requireLink(ctx, reply, outcome.localUserId, outcome.claims, safeReturnTo(request.body.returnTo));
            return reply.status(409).send(new AppError('LINK_REQUIRED').toBody());
          }
          return signedIn(ctx, request, reply, outcome.result);
        },
      );
    }
  };
}
