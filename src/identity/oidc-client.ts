import type { Configuration } from 'openid-client';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';

export type OidcSettings = NonNullable<AppContext['config']['identity']['oidc']>;

/** Discovery is re-read at least this often (and at once after a failure that looks like a key change). */
const DISCOVERY_MAX_AGE_MS = 60 * 60 * 1000;

const cache = new WeakMap<AppContext, { at: number; config: Promise<Configuration> }>();

/** The configuration accepts a plain-http issuer only on this machine (tests, `adieu demo-idp`). */
const isPlainHttp = (url: URL) => url.protocol === 'http:';

export async function discover(settings: OidcSettings): Promise<Configuration> {
  // Loaded by the first sign-in through the provider, not by every start (with part of jose).
  const oidc = await import('openid-client');
  const issuer = new URL(settings.issuer);
  const config = await oidc.discovery(
    issuer,
    settings.clientId,
    // The ID token must be signed with the one algorithm registered for this client, and its
    // signature is checked against the provider's JWKS (non-repudiation checks below), which
    // only ever holds asymmetric keys: `none` and HS* are refused whatever the token says.
    { client_secret: settings.clientSecret, id_token_signed_response_alg: settings.idTokenAlg },
    settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None(),
    { execute: isPlainHttp(issuer) ? [oidc.allowInsecureRequests] : [], timeout: 10 },
  );
  // Code flow trusts the token endpoint's TLS by default; checking the signature as well means a
  // token that did not come from the provider's keys never signs anyone in.
  oidc.enableNonRepudiationChecks(config);
  return config;
}

/**
 * The provider's client configuration, from its discovery document, cached per process. The JWKS
 * is cached inside it and fetched again when a token names an unknown key (key rotation).
 */
export async function oidcConfiguration(ctx: AppContext): Promise<Configuration> {
  const settings = ctx.config.identity.oidc;
  if (!settings) throw new AppError('NOT_FOUND');
  const cached = cache.get(ctx);
  if (cached && Date.now() - cached.at < DISCOVERY_MAX_AGE_MS) return cached.config;
  const config = discover(settings);
  cache.set(ctx, { at: Date.now(), config });
  try {
    return await config;
  } catch (error) {
    cache.delete(ctx);
    ctx.logger.warn({ err: { message: (error as Error).message } }, 'OpenID Provider discovery failed');
    throw new AppError('SERVICE_UNAVAILABLE');
  }
}

/** Forget the discovery document (the provider may have changed its keys or endpoints). */
export function forgetOidcConfiguration(ctx: AppContext): void {
  cache.delete(ctx);
}

export const redirectUri = (ctx: AppContext) => `${ctx.config.publicUrl}/api/auth/oidc/callback`;
export const backchannelLogoutUri = (ctx: AppContext) => `${ctx.config.publicUrl}/api/auth/oidc/backchannel-logout`;
