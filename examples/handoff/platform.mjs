// The platform side of Adieu's signed handoff (`identity.handoff`): your backend signs a
// short-lived token for a buyer who is already signed in on your site and sends their browser to
// Adieu with it. Publish the public half of your key as a JWKS at `identity.handoff.jwksUrl`.
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';

const ADIEU_URL = process.env.ADIEU_URL ?? 'https://adieu.example.com';
const ISSUER = process.env.HANDOFF_ISSUER ?? 'https://platform.example.com'; // identity.handoff.issuer
const AUDIENCE = process.env.HANDOFF_AUDIENCE ?? 'adieu'; // identity.handoff.audience
const privateJwk = JSON.parse(process.env.HANDOFF_PRIVATE_JWK); // ES256, EdDSA or RS256, with a kid

/** Where to redirect the buyer. The token rides in the fragment: it never reaches a server log. */
export async function handoffUrl(buyer, { justSignedIn = false, returnTo = '/cancel' } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ email: buyer.email, name: buyer.name, ...(justSignedIn ? { auth_time: now } : {}) })
    .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(buyer.id) // your stable, never reused buyer id
    .setIssuedAt(now)
    .setExpirationTime(now + 120) // Adieu refuses more than 5 minutes
    .setJti(randomUUID()) // single use
    .sign(await importJWK(privateJwk, privateJwk.alg));
  return `${ADIEU_URL}/handoff?returnTo=${encodeURIComponent(returnTo)}#token=${token}`;
}
