import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

/** A buyer the demo provider knows, by the login typed into its form (that login is the `sub`). */
export interface DemoIdpAccount {
  email?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_number_verified?: boolean;
  name?: string;
}

export interface DemoIdpOptions {
  /** Adieu's public URL: the client's redirect and back-channel logout URIs are derived from it. */
  adieuUrl: string;
  port?: number;
  host?: string;
  accounts: Record<string, DemoIdpAccount>;
  clientId?: string;
  clientSecret?: string;
  /** Where the provider posts logout tokens (default: Adieu's back-channel logout endpoint). */
  backchannelLogoutUri?: string;
}

export interface DemoIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  provider: Provider;
  /** The provider's private signing key (tests sign their own tokens with it). */
  signingJwk: JWK & { kid: string };
  close(): Promise<void>;
}

/**
 * A local OpenID Provider (the OpenID-certified `oidc-provider` package) with its plain HTML
 * development login form, one client for Adieu and back-channel logout on. For `adieu demo-idp`
 * and the tests; never for production (any password is accepted for a known login).
 */
export async function startDemoIdp(options: DemoIdpOptions): Promise<DemoIdp> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const clientId = options.clientId ?? 'adieu';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${options.adieuUrl}/api/auth/oidc/callback`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        backchannel_logout_uri: options.backchannelLogoutUri ?? `${options.adieuUrl}/api/auth/oidc/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
    ],
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], phone: ['phone_number', 'phone_number_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true }, backchannelLogout: { enabled: true } },
    pkce: { required: () => true },
    // oidc-provider refuses to call loopback addresses (SSRF protection); the demo's Adieu is one.
    fetch: (url, init) => {
      const { dispatcher: _dispatcher, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(url, rest);
    },
    async findAccount(_ctx, sub) {
      const account = options.accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });
  // Composed at the first request, so middleware added with provider.use() before it takes part.
  let handler: ReturnType<Provider['callback']> | null = null;
  server.on('request', (request, response) => (handler ??= provider.callback())(request, response));
  return {
    issuer,
    clientId,
    clientSecret,
    provider,
    signingJwk,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
