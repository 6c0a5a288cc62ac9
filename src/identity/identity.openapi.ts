import { z } from 'zod';
import { ok, op, type DocumentedResponse, type OperationCatalog } from '../http/openapi/operation.ts';
import { SignedInUser } from '../accounts/accounts.openapi.ts';

const redirect = (description: string): DocumentedResponse => ({ schema: null, description });
const signedIn = z.object({ user: SignedInUser, csrfToken: z.string() });

/** Bring-your-own identity (registered only when `identity.oidc` / `identity.handoff` is configured). */
export const identityOperations: OperationCatalog = {
  'GET /api/auth/oidc/start': op('startOidcSignIn', 'Sign in (or step up) through the platform’s OpenID Provider: redirects to it', 'public', { 302: redirect('To the provider’s authorization endpoint (code flow, PKCE)') }, 'OIDC_INVALID', 'VALIDATION_FAILED', 'RATE_LIMITED'),
  'GET /api/auth/oidc/callback': op('completeOidcSignIn', 'The provider’s redirect back: signs in, then redirects to returnTo', 'public', { 302: redirect('To returnTo (or the account linking page)') }, 'OIDC_INVALID', 'LINK_EXPIRED', 'IDENTITY_QUARANTINED', 'ACCOUNT_FROZEN'),
  'POST /api/auth/oidc/backchannel-logout': op('oidcBackchannelLogout', 'OpenID Connect Back-Channel Logout: ends every session of the token’s subject', 'public', { 200: ok(z.object({ loggedOut: z.literal(true) }), 'Sessions ended') }, 'LOGOUT_TOKEN_INVALID', 'VALIDATION_FAILED'),
  'GET /api/auth/link': op('getPendingLink', 'The pending link of a platform identity to an existing local account', 'public', { 200: ok(z.object({ email: z.string().nullable().describe('masked'), returnTo: z.string() }), 'The pending link') }, 'LINK_EXPIRED'),
  'POST /api/auth/link': op('completeLink', 'Link the platform identity to the local account with its password, and sign in', 'public', { 200: ok(signedIn.extend({ returnTo: z.string() }), 'Linked and signed in') }, 'LINK_EXPIRED', 'AUTH_INVALID_CREDENTIALS', 'RATE_LIMITED', 'VALIDATION_FAILED', 'CSRF_INVALID'),
  'POST /api/admin/external-ids': op(
    'linkExternalId',
    'Name a local buyer (by email or phone) by the platform’s own id (admin; the issuer is identity.handoff’s, else identity.oidc’s)',
    'session',
    { 201: ok(z.object({ userId: z.string() }), 'Linked'), 200: ok(z.object({ userId: z.string() }), 'Already linked to this id') },
    'FORBIDDEN',
    'ACCOUNT_NOT_FOUND',
    'ACCOUNT_FROZEN',
    'EXTERNAL_ID_TAKEN',
    'IDENTITY_QUARANTINED',
    'IDENTIFIER_INVALID',
    'VALIDATION_FAILED',
    'CSRF_INVALID',
  ),
  'POST /api/auth/handoff': op('signInWithHandoff', 'Sign in with a short-lived token signed by the platform', 'public', { 200: ok(signedIn, 'Signed in') }, 'HANDOFF_INVALID', 'LINK_REQUIRED', 'IDENTITY_QUARANTINED', 'ACCOUNT_FROZEN', 'RATE_LIMITED', 'VALIDATION_FAILED', 'CSRF_INVALID'),
};
