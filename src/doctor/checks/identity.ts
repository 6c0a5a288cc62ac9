import type { Config } from '../../config/schema.ts';
import { discover } from '../../identity/oidc-client.ts';
import { connectionError, failure, ok, type CheckResult } from '../check-result.ts';

const SIGNING_KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

/** The platform's sign-in: the OpenID Provider's discovery and keys, the handoff JWKS. */
export async function checkIdentity(config: Config): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const { oidc, handoff } = config.identity;
  if (oidc) {
    const check = 'identity provider (OpenID Connect)';
    try {
      const metadata = (await discover(oidc)).serverMetadata();
      const algs = metadata.id_token_signing_alg_values_supported;
      if (algs && !algs.includes(oidc.idTokenAlg)) {
        results.push(failure(check, `signs ID tokens with ${algs.join(', ')}, not ${oidc.idTokenAlg}`, 'set identity.oidc.idTokenAlg to the algorithm registered for this client'));
      } else if (!metadata.jwks_uri) {
        results.push(failure(check, 'its discovery document names no jwks_uri', "use the provider's issuer identifier as identity.oidc.issuer"));
      } else {
        results.push(ok(check, `discovery of ${metadata.issuer} answered; back-channel logout ${metadata.backchannel_logout_supported ? 'supported' : 'not announced'}`));
      }
    } catch (error) {
      results.push(failure(check, `discovery failed: ${connectionError(error)}`, 'check identity.oidc.issuer: its /.well-known/openid-configuration must answer from here'));
    }
  }
  if (handoff) {
    const check = 'handoff keys';
    try {
      const response = await fetch(handoff.jwksUrl, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
      const body = (await response.json()) as { keys?: Array<{ kty?: string }> };
      const usable = (body.keys ?? []).filter((key) => SIGNING_KEY_TYPES.has(key.kty ?? ''));
      results.push(
        response.ok && usable.length > 0
          ? ok(check, `${usable.length} signing key(s) published`)
          : failure(check, `HTTP ${response.status}, no usable signing key`, 'publish the public keys (ES256, EdDSA or RS256) as a JWKS at identity.handoff.jwksUrl'),
      );
    } catch (error) {
      results.push(failure(check, `could not be read: ${connectionError(error)}`, 'check identity.handoff.jwksUrl: it must answer a JWKS from here'));
    }
  }
  return results;
}
