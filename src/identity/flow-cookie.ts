import type { JWTPayload } from 'jose';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { loadJose } from '../keys/load-jose.ts';

/**
 * Short-lived state of a sign-in round trip (PKCE verifier, state, nonce, where to return; or a
 * link waiting for the local password), kept in the browser as an encrypted cookie rather than in
 * server memory: any server can finish the flow, and only the browser that started it can.
 */
export const FLOW_TTL_SECONDS = 10 * 60;

const key = async (ctx: AppContext) => new Uint8Array((await ctx.keys.serviceSecret('identity-flow')).subarray(0, 32));

export async function setFlowCookie(ctx: AppContext, reply: FastifyReply, name: string, purpose: string, payload: JWTPayload): Promise<void> {
  const { EncryptJWT } = await loadJose();
  const sealed = await new EncryptJWT({ ...payload, purpose })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(`${FLOW_TTL_SECONDS}s`)
    .encrypt(await key(ctx));
  reply.setCookie(name, sealed, {
    path: '/api/auth/',
    httpOnly: true,
    // Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https:'),
    maxAge: FLOW_TTL_SECONDS,
  });
}

/** The cookie's payload, or null when it is missing, forged, for another purpose or expired. */
export async function readFlowCookie<T>(ctx: AppContext, request: FastifyRequest, name: string, purpose: string): Promise<T | null> {
  const sealed = request.cookies[name];
  if (!sealed || sealed.length > 4000) return null;
  const { jwtDecrypt } = await loadJose();
  try {
    const { payload } = await jwtDecrypt(sealed, await key(ctx), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    return payload.purpose === purpose ? (payload as T) : null;
  } catch {
    return null;
  }
}

export function clearFlowCookie(ctx: AppContext, reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: '/api/auth/', httpOnly: true, sameSite: 'lax', secure: ctx.config.publicUrl.startsWith('https:') });
}
