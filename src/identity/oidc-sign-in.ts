import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { safeReturnTo } from '../domain/return-to.ts';
import { endSession, rotateForStepUp } from '../accounts/sessions.ts';
import { setSessionCookie } from '../accounts/request-auth.ts';
import { clearFlowCookie, readFlowCookie, setFlowCookie } from './flow-cookie.ts';
import { forgetOidcConfiguration, oidcConfiguration, redirectUri } from './oidc-client.ts';
import { findLinkedUser, signInExternal, type ExternalClaims } from './external-buyer.ts';
import { requireLink } from './link-account.ts';

const FLOW_COOKIE = 'adieu_oidc';
/** A step-up is accepted only when the provider authenticated the buyer within this window. */
export const STEP_UP_MAX_AGE_SECONDS = 60;

interface OidcFlow {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  /** Step-up: the session (and its user) that asked for it. */
  stepUp?: { sessionId: string; userId: string };
  /** This flow is the one retry after the provider's keys changed. */
  retried?: boolean;
}

/** The ID token named a key that the cached JWKS does not hold: the provider rotated its keys. */
class KeysChanged extends Error {}

/**
 * Starts the code flow: PKCE (S256), `state` and `nonce`, all kept in an encrypted cookie of this
 * browser. Returns the provider's authorization URL to redirect to.
 */
export async function startOidc(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  input: { returnTo?: string; stepUp: boolean; retried?: boolean },
): Promise<string> {
  const config = await oidcConfiguration(ctx);
  const oidc = await import('openid-client');
  const settings = ctx.config.identity.oidc!;
  if (input.stepUp && !request.auth) throw new AppError('AUTH_REQUIRED');
  const flow: OidcFlow = {
    verifier: oidc.randomPKCECodeVerifier(),
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    returnTo: safeReturnTo(input.returnTo),
    ...(input.stepUp ? { stepUp: { sessionId: request.auth!.session.id, userId: request.auth!.user.id } } : {}),
    ...(input.retried ? { retried: true } : {}),
  };
  const parameters: Record<string, string> = {
    redirect_uri: redirectUri(ctx),
    scope: settings.scopes.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
    ...(input.stepUp ? { max_age: '0', prompt: 'login' } : {}),
  };
  await setFlowCookie(ctx, reply, FLOW_COOKIE, 'oidc', { ...flow });
  return oidc.buildAuthorizationUrl(config, parameters).href;
}

/** The provider's answer to the authorization request, checked by openid-client; any failure is OIDC_INVALID. */
async function exchangeCode(ctx: AppContext, request: FastifyRequest, flow: OidcFlow) {
  const config = await oidcConfiguration(ctx);
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  const currentUrl = new URL(`${redirectUri(ctx)}${query}`);
  const oidc = await import('openid-client');
  try {
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
      ...(flow.stepUp ? { maxAge: STEP_UP_MAX_AGE_SECONDS } : {}),
    });
    const claims = tokens.claims()!;
    let profile: Record<string, unknown> = claims;
    // Conforming providers put profile claims in the UserInfo response rather than the ID token.
    if (tokens.access_token && config.serverMetadata().userinfo_endpoint && !('email' in claims || 'phone_number' in claims || 'name' in claims)) {
      profile = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
    }
    return { claims, profile, issuer: config.serverMetadata().issuer };
  } catch (error) {
    // Only the error's kind is logged: its details can hold the tokens.
    const code = (error as { code?: string }).code ?? (error as Error).name;
    request.log.warn({ oidcError: code }, 'OpenID Connect callback refused');
    if (code === 'OAUTH_KEY_SELECTION_FAILED') {
      forgetOidcConfiguration(ctx);
      throw new KeysChanged();
    }
    throw new AppError('OIDC_INVALID');
  }
}

/**
 * Completes the flow. Returns where to send the browser: `returnTo` after a sign-in or a step-up,
 * or the link page when a local account holds the same verified email.
 */
export async function completeOidc(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<string> {
  const flow = await readFlowCookie<OidcFlow>(ctx, request, FLOW_COOKIE, 'oidc');
  // One try per flow, whatever happens next: a replayed callback finds no cookie.
  clearFlowCookie(ctx, reply, FLOW_COOKIE);
  if (!flow) throw new AppError('OIDC_INVALID');
  let exchanged;
  try {
    exchanged = await exchangeCode(ctx, request, flow);
  } catch (error) {
    if (!(error instanceof KeysChanged)) throw error;
    // The code is spent; a sign-in (not a step-up, which must show the login again anyway) starts
    // over once with fresh discovery and keys, which the buyer's live provider session makes quick.
    if (flow.retried || flow.stepUp) throw new AppError('OIDC_INVALID');
    return `/api/auth/oidc/start?retry=1&returnTo=${encodeURIComponent(flow.returnTo)}`;
  }
  const { claims, profile, issuer } = exchanged;
  const external: ExternalClaims = {
    method: 'oidc',
    issuer,
    sub: claims.sub,
    email: profile.email,
    emailVerified: profile.email_verified,
    phone: profile.phone_number,
    phoneVerified: profile.phone_number_verified,
    name: profile.name,
    sid: claims.sid,
  };

  if (flow.stepUp) {
    const auth = request.auth;
    if (!auth || auth.session.id !== flow.stepUp.sessionId || auth.user.id !== flow.stepUp.userId) throw new AppError('OIDC_INVALID');
    // The provider's clock, not the service clock (which dev tools may move): auth_time is its word.
    const authTime = typeof claims.auth_time === 'number' ? claims.auth_time : 0;
    if (Date.now() / 1000 - authTime > STEP_UP_MAX_AGE_SECONDS) throw new AppError('OIDC_INVALID');
    const linked = await findLinkedUser(ctx, issuer, claims.sub);
    if (linked?.id !== auth.user.id) throw new AppError('OIDC_INVALID');
    const { token } = await rotateForStepUp(ctx, auth.session.id);
    await ctx.db.transaction((tx) =>
      appendAudit(tx, { at: ctx.clock.now(), actor: auth.user.subjectId, action: 'auth.reauthenticated', subject: auth.user.subjectId, target: auth.session.id, data: { method: 'oidc' } }),
    );
    setSessionCookie(ctx, reply, token);
    return flow.returnTo;
  }

  const outcome = await signInExternal(ctx, external, { userAgent: request.headers['user-agent'] });
  if (outcome.kind === 'link_required') {
    await requireLink(ctx, reply, outcome.localUserId, external, flow.returnTo);
    return `/link-account?returnTo=${encodeURIComponent(flow.returnTo)}`;
  }
  // Signing in over a live session replaces it: one browser, one session.
  if (request.auth) await endSession(ctx.db, request.auth.session.id);
  setSessionCookie(ctx, reply, outcome.result.token);
  return flow.returnTo;
}
