import type { JWTVerifyGetKey } from 'jose';
import { eq, inArray } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { sessions } from '../accounts/accounts.tables.ts';
import { IDENTITY_ALGORITHMS } from '../config/schema.ts';
import { oidcConfiguration } from './oidc-client.ts';
import { findLinkedUser, sidIndex } from './external-buyer.ts';
import { externalSessions } from './identity.tables.ts';
import { useTokenIdOnce } from './token-ids.ts';
import { loadJose } from '../keys/load-jose.ts';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** How long a logout token's `jti` is remembered when the token carries no `exp`. */
const JTI_MEMORY_SECONDS = 10 * 60;

const keySets = new WeakMap<AppContext, { uri: string; keys: JWTVerifyGetKey }>();

async function providerKeys(ctx: AppContext, jwksUri: string): Promise<JWTVerifyGetKey> {
  const { createRemoteJWKSet } = await loadJose();
  const cached = keySets.get(ctx);
  if (cached?.uri === jwksUri) return cached.keys;
  const keys = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  keySets.set(ctx, { uri: jwksUri, keys });
  return keys;
}

/**
 * OpenID Connect Back-Channel Logout 1.0: checks the `logout_token` (signature against the
 * provider's JWKS with asymmetric algorithms only, `iss`, `aud`, `iat`, the logout event, `sub`
 * or `sid`, no `nonce`, `jti` once on any server) and ends the sessions it names. Sessions live in
 * the database, so every server stops accepting them at once. Returns how many ended.
 */
export async function backchannelLogout(ctx: AppContext, request: FastifyRequest, logoutToken: string): Promise<number> {
  const config = await oidcConfiguration(ctx);
  const metadata = config.serverMetadata();
  if (!metadata.jwks_uri) throw new AppError('LOGOUT_TOKEN_INVALID');
  const { jwtVerify } = await loadJose();
  let payload;
  try {
    ({ payload } = await jwtVerify(logoutToken, await providerKeys(ctx, metadata.jwks_uri), {
      issuer: metadata.issuer,
      audience: ctx.config.identity.oidc!.clientId,
      algorithms: [...IDENTITY_ALGORITHMS],
      requiredClaims: ['iat', 'jti', 'events'],
      maxTokenAge: '10 minutes',
    }));
  } catch (error) {
    request.log.warn({ logoutError: (error as { code?: string }).code ?? 'unknown' }, 'logout token refused');
    throw new AppError('LOGOUT_TOKEN_INVALID');
  }
  const events = payload.events as Record<string, unknown> | undefined;
  const event = events?.[LOGOUT_EVENT];
  const sub = typeof payload.sub === 'string' ? payload.sub : null;
  const sid = typeof payload.sid === 'string' ? payload.sid : null;
  const valid =
    typeof event === 'object' && event !== null && !Array.isArray(event) && 'nonce' in payload === false && (sub || sid) && typeof payload.jti === 'string' && payload.jti.length <= 200;
  if (!valid) throw new AppError('LOGOUT_TOKEN_INVALID');
  const expiresAt = new Date(((payload.exp ?? payload.iat! + JTI_MEMORY_SECONDS) + 60) * 1000);
  if (!(await useTokenIdOnce(ctx, `logout:${metadata.issuer}`, payload.jti as string, expiresAt))) throw new AppError('LOGOUT_TOKEN_INVALID');

  const user = sub ? await findLinkedUser(ctx, metadata.issuer, sub) : null;
  return ctx.db.transaction(async (tx) => {
    let ended: Array<{ id: string }> = [];
    if (user) {
      ended = await tx.delete(sessions).where(eq(sessions.userId, user.id)).returning({ id: sessions.id });
    } else if (sid && !sub) {
      const named = tx.select({ id: externalSessions.sessionId }).from(externalSessions).where(eq(externalSessions.sidIndex, await sidIndex(ctx, metadata.issuer, sid)));
      ended = await tx.delete(sessions).where(inArray(sessions.id, named)).returning({ id: sessions.id });
    }
    if (user) {
      await appendAudit(tx, { at: ctx.clock.now(), actor: 'provider', action: 'auth.backchannel_logout', subject: user.subjectId, data: { sessions: ended.length } });
    }
    return ended.length;
  });
}
