import type { JSONWebKeySet } from 'jose';
import { canonicalJson } from '../audit/canonical-json.ts';
import { loadJose } from '../keys/load-jose.ts';

export type CertificateVerdict = { valid: true; kid: string; payload: Record<string, unknown> } | { valid: false; reason: string };

/** Extracts the JWS from what a holder has: the compact JWS itself, or the JSON of `/api/certificates/:id`. */
function parseInput(text: string): { jws: string; claimed?: { id?: unknown; payload?: unknown } } | null {
  const trimmed = text.trim();
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(trimmed)) return { jws: trimmed };
  try {
    const json = JSON.parse(trimmed) as { jws?: unknown; id?: unknown; payload?: unknown };
    if (typeof json.jws === 'string') return { jws: json.jws.trim(), claimed: json };
  } catch {
    return null;
  }
  return null;
}

/**
 * Verifies a deletion certificate offline against a JWKS: the EdDSA signature, the key id, and —
 * for the JSON form — that the readable `payload` and `id` beside the JWS say exactly what was
 * signed (a tampered copy of either fails).
 */
export async function verifyCertificate(text: string, jwks: JSONWebKeySet): Promise<CertificateVerdict> {
  const input = parseInput(text);
  if (!input) return { valid: false, reason: 'not a certificate: expected a compact JWS or the JSON of /api/certificates/:id' };
  const { compactVerify, createLocalJWKSet } = await loadJose();
  let verified;
  try {
    verified = await compactVerify(input.jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
  } catch (error) {
    return { valid: false, reason: `signature invalid: ${(error as Error).message}` };
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch {
    return { valid: false, reason: 'the signed payload is not JSON' };
  }
  if (payload.type !== 'adieu.deletion-certificate') return { valid: false, reason: 'not an Adieu deletion certificate' };
  if (input.claimed) {
    if (input.claimed.payload !== undefined && canonicalJson(input.claimed.payload) !== canonicalJson(payload)) {
      return { valid: false, reason: 'the payload beside the signature differs from the signed one' };
    }
    if (input.claimed.id !== undefined && input.claimed.id !== payload.id) return { valid: false, reason: 'the id beside the signature differs from the signed one' };
  }
  return { valid: true, kid: String(verified.protectedHeader.kid ?? ''), payload };
}
