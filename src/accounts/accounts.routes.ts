import { LOCALES } from '../domain/locales.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { clearSessionCookie, clientIp, requireUser, setDeviceCookie, setSessionCookie } from './request-auth.ts';
import { DEVICE_COOKIE } from './device-cookie.ts';
import { PASSWORD_MAX } from './password/password-policy.ts';
import { signUpFromAddress } from './sign-up.ts';
import { signIn } from './sign-in.ts';
import { stepUp, verifySecondFactorStepUp, type StepUpProof } from './step-up.ts';
import { csrfTokenFor, endSession } from './sessions.ts';
import { requestPasswordReset, resetPassword } from './password-recovery.ts';
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp } from './totp.ts';
import { accountView, endOtherSessions, listSessions, revokeSession, setAntiPhishingCode, setPreferences } from './account-center.ts';
import { isTimeZone, TIME_ZONE_HINT } from '../domain/time-zones.ts';
import { isReauthenticated } from './sessions.ts';
import { openForUser } from './user-crypto.ts';
import { idParams } from '../http/params.ts';
import { signInMethods } from './sign-in-methods.ts';

const password = z.string().min(1).max(PASSWORD_MAX * 4);
/** An IANA zone as the browser reports it (`Intl.DateTimeFormat().resolvedOptions().timeZone`). */
const timeZone = z.string().max(64).refine(isTimeZone, TIME_ZONE_HINT);
const userView = (user: { id: string; roles: string[] }, displayName: string | null) => ({ id: user.id, displayName: displayName ?? '', roles: user.roles });

export function accountsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/auth/signup',
      {
        schema: {
          tags: ['auth'],
          body: z.object({
            email: z.string().max(320).optional(),
            phone: z.string().max(40).optional(),
            password,
            displayName: z.string().trim().min(1).max(80),
            locale: z.enum(LOCALES).optional(),
            timeZone: timeZone.optional(),
          }),
        },
      },
      async (request, reply) => {
        return reply.status(201).send(await signUpFromAddress(ctx, clientIp(request), request.body));
      },
    );

    app.post(
      '/api/auth/login',
      { schema: { tags: ['auth'], body: z.object({ identifier: z.string().min(1).max(320), password, totp: z.string().max(20).optional() }) } },
      async (request, reply) => {
        const result = await signIn(ctx, request.body, {
          ip: clientIp(request),
          userAgent: request.headers['user-agent'],
          deviceCookie: request.cookies[DEVICE_COOKIE],
        });
        // Signing in over a live session replaces it: one browser, one session.
        if (request.auth) await endSession(ctx.db, request.auth.session.id);
        setSessionCookie(ctx, reply, result.token);
        if (result.deviceCookie) setDeviceCookie(ctx, reply, result.deviceCookie);
        const displayName = await openForUser(ctx, result.user.id, 'displayName', result.user.displayNameEnc);
        return { user: userView(result.user, displayName), csrfToken: result.csrfToken };
      },
    );

    app.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async (request, reply) => {
      if (request.auth) await endSession(ctx.db, request.auth.session.id);
      clearSessionCookie(ctx, reply);
      return reply.status(204).send();
    });

    app.get('/api/auth/session', { schema: { tags: ['auth'] } }, async (request) => {
      // How a client may sign in (and step up): password, the platform's provider, a handoff.
      const methods = { methods: signInMethods(ctx.config), ...(ctx.config.identity.oidc ? { oidcLabel: ctx.config.identity.oidc.label } : {}) };
      if (!request.auth) return { user: null, csrfToken: null, ...methods };
      const { user, session } = request.auth;
      const displayName = await openForUser(ctx, user.id, 'displayName', user.displayNameEnc);
      return {
        ...methods,
        user: { ...userView(user, displayName), status: user.status, locale: user.locale, timeZone: user.timeZone, hasPassword: !!user.passwordHash },
        csrfToken: await csrfTokenFor(ctx, session.id),
        reauthenticatedUntil: isReauthenticated(ctx, session) ? session.reauthenticatedUntil!.toISOString() : null,
        expiresAt: session.expiresAt.toISOString(),
      };
    });

    app.post('/api/auth/password/forgot', { schema: { tags: ['auth'], body: z.object({ identifier: z.string().min(1).max(320) }) } }, async (request, reply) => {
      await requestPasswordReset(ctx, request.body.identifier, clientIp(request));
      return reply.status(202).send({ accepted: true });
    });

    app.post(
      '/api/auth/password/reset',
      { schema: { tags: ['auth'], body: z.object({ token: z.string().min(1).max(200), password }) } },
      async (request, reply) => {
        await resetPassword(ctx, request.body.token, request.body.password, clientIp(request));
        clearSessionCookie(ctx, reply);
        return { reset: true };
      },
    );

    app.post(
      '/api/auth/reauth',
      {
        schema: {
          tags: ['auth'],
          body: z.union([z.object({ password }).strict(), z.object({ totp: z.string().min(1).max(20) }).strict()]),
        },
      },
      async (request, reply) => {
        const { user, session } = requireUser(request);
        const { token, reauthenticatedUntil, csrfToken } = await stepUp(ctx, user, session, request.body as StepUpProof);
        setSessionCookie(ctx, reply, token);
        return { reauthenticatedUntil: reauthenticatedUntil.toISOString(), csrfToken };
      },
    );

    app.post('/api/auth/totp/setup', { schema: { tags: ['auth'] } }, async (request) => {
      const { user, session } = requireUser(request);
      // Someone holding only a stolen cookie must not bind the account to their own authenticator.
      if (!isReauthenticated(ctx, session)) throw new AppError('REAUTH_REQUIRED');
      const label = (await openForUser(ctx, user.id, 'email', user.emailEnc)) ?? (await openForUser(ctx, user.id, 'phone', user.phoneEnc)) ?? user.id;
      return beginTotpEnrolment(ctx, user, label);
    });

    app.post('/api/auth/totp/confirm', { schema: { tags: ['auth'], body: z.object({ code: z.string().min(6).max(10) }) } }, async (request) => {
      const { user } = requireUser(request);
      return confirmTotpEnrolment(ctx, user, request.body.code);
    });

    app.post(
      '/api/auth/totp/disable',
      { schema: { tags: ['auth'], body: z.object({ code: z.string().min(1).max(20).optional() }).strict().optional() } },
      async (request, reply) => {
        const { user } = requireUser(request);
        await verifySecondFactorStepUp(ctx, user, request.body?.code);
        await disableTotp(ctx, user);
        return reply.status(204).send();
      },
    );

    app.get('/api/account', { schema: { tags: ['account'] } }, async (request) => accountView(ctx, requireUser(request).user));

    app.patch(
      '/api/account/security',
      {
        schema: {
          tags: ['account'],
          body: z.object({ antiPhishingCode: z.string().regex(/^[\p{L}\p{N}]{4,20}$/u, '4 to 20 letters or digits') }).strict(),
        },
      },
      async (request) => {
        await setAntiPhishingCode(ctx, requireUser(request).user, request.body.antiPhishingCode);
        return { antiPhishingCode: request.body.antiPhishingCode };
      },
    );

    app.patch(
      '/api/account/preferences',
      {
        schema: {
          tags: ['account'],
          body: z
            .object({ locale: z.enum(LOCALES).optional(), timeZone: timeZone.nullable().optional() })
            .strict()
            .refine((body) => body.locale !== undefined || body.timeZone !== undefined, 'give locale, timeZone or both'),
        },
      },
      async (request) => setPreferences(ctx, requireUser(request).user, request.body),
    );

    app.get('/api/account/sessions', { schema: { tags: ['account'] } }, async (request) => {
      const { user, session } = requireUser(request);
      return { items: await listSessions(ctx, user, session.id) };
    });

    app.delete('/api/account/sessions/:id', { schema: { tags: ['account'], params: idParams } }, async (request, reply) => {
      const { user, session } = requireUser(request);
      await revokeSession(ctx, user, request.params.id);
      if (request.params.id === session.id) clearSessionCookie(ctx, reply);
      return reply.status(204).send();
    });

    /** Sign out everywhere else (this session stays). */
    app.delete('/api/account/sessions', { schema: { tags: ['account'] } }, async (request, reply) => {
      const { user, session } = requireUser(request);
      await endOtherSessions(ctx, user, session.id);
      return reply.status(204).send();
    });
  };
}
