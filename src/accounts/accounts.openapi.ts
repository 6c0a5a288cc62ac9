import { LOCALES } from '../domain/locales.ts';
import { z } from 'zod';
import { noContent, ok, op, type OperationCatalog } from '../http/openapi/operation.ts';

const Role = z.enum(['buyer', 'reviewer', 'admin']);
const time = z.string().describe('ISO 8601 UTC');

export const SignedInUser = z.object({ id: z.string(), displayName: z.string(), roles: z.array(Role) }).meta({ id: 'SignedInUser' });

export const SessionInfo = z
  .object({
    user: z
      .object({
        id: z.string(),
        displayName: z.string(),
        roles: z.array(Role),
        status: z.string(),
        locale: z.string(),
        timeZone: z.string().nullable().describe('IANA zone for dates in messages; null: the platform’s'),
        hasPassword: z.boolean().describe('false for buyers who sign in only through the platform (step-up goes through it too)'),
      })
      .nullable(),
    csrfToken: z.string().nullable().describe('send it as `x-csrf-token` on every non-GET request'),
    reauthenticatedUntil: time.nullable().optional(),
    expiresAt: time.optional(),
    methods: z.array(z.enum(['password', 'oidc', 'handoff'])).describe('how one may sign in here'),
    oidcLabel: z.string().optional().describe('the platform’s name on the sign-in button'),
  })
  .meta({ id: 'SessionInfo' });

export const Account = z
  .object({
    id: z.string(),
    displayName: z.string(),
    email: z.string().nullable().describe('masked'),
    phone: z.string().nullable().describe('masked'),
    roles: z.array(Role),
    status: z.string(),
    locale: z.string(),
    timeZone: z.string().nullable().describe('IANA zone for dates in messages; null: the platform’s'),
    antiPhishingCode: z.string().nullable().optional(),
    totpEnabled: z.boolean(),
    recoveryCodesLeft: z.number().int(),
    createdAt: time,
  })
  .meta({ id: 'Account' });

export const SessionRow = z
  .object({ id: z.string(), current: z.boolean(), userAgent: z.string().nullable(), createdAt: time, lastSeenAt: time, expiresAt: time })
  .meta({ id: 'SessionRow' });

const signedIn = z.object({ user: SignedInUser, csrfToken: z.string() });

export const accountsOperations: OperationCatalog = {
  'POST /api/auth/signup': op('signUp', 'Create an account with email or phone and a password', 'public', { 201: ok(z.object({ userId: z.string() }), 'Account created') }, 'IDENTIFIER_TAKEN', 'VALIDATION_FAILED', 'IDENTIFIER_INVALID', 'PASSWORD_TOO_WEAK', 'RATE_LIMITED', 'CSRF_INVALID'),
  'POST /api/auth/login': op('signIn', 'Sign in; sets the adieu_session cookie', 'public', { 200: ok(signedIn, 'Signed in: the user and the CSRF token') }, 'AUTH_INVALID_CREDENTIALS', 'TOTP_REQUIRED', 'TOTP_INVALID', 'RATE_LIMITED', 'VALIDATION_FAILED', 'CSRF_INVALID'),
  'POST /api/auth/logout': op('signOut', 'Sign out; ends this session', 'public', { 204: noContent('Signed out') }, 'CSRF_INVALID'),
  'GET /api/auth/session': op('getSession', 'The signed-in user (or null) and the CSRF token', 'public', { 200: ok(SessionInfo, 'The session') }),
  'POST /api/auth/password/forgot': op('forgotPassword', 'Ask for a password-reset link (answered the same whether the account exists)', 'public', { 202: ok(z.object({ accepted: z.literal(true) }), 'Accepted') }, 'RATE_LIMITED', 'VALIDATION_FAILED', 'CSRF_INVALID'),
  'POST /api/auth/password/reset': op('resetPassword', 'Set a new password with a reset token; ends every session', 'public', { 200: ok(z.object({ reset: z.literal(true) }), 'Password changed') }, 'TOKEN_INVALID', 'PASSWORD_TOO_WEAK', 'RATE_LIMITED', 'VALIDATION_FAILED', 'CSRF_INVALID'),
  'POST /api/auth/reauth': op('reauthenticate', 'Step-up: confirm the password or an authenticator code for 10 minutes', 'session', { 200: ok(z.object({ reauthenticatedUntil: time, csrfToken: z.string() }), 'Step-up granted; the session cookie rotates') }, 'AUTH_INVALID_CREDENTIALS', 'TOTP_INVALID', 'RATE_LIMITED', 'VALIDATION_FAILED'),
  'POST /api/auth/totp/setup': op('beginTotpSetup', 'Start two-step verification: a secret and its QR code (needs a fresh step-up)', 'session', { 200: ok(z.object({ secret: z.string(), otpauthUrl: z.string(), qrCodeDataUrl: z.string() }), 'The secret to enrol') }, 'REAUTH_REQUIRED', 'TOTP_ALREADY_ENABLED'),
  'POST /api/auth/totp/confirm': op('confirmTotpSetup', 'Confirm two-step verification with a first code; returns recovery codes once', 'session', { 200: ok(z.object({ recoveryCodes: z.array(z.string()) }), 'Enabled; the recovery codes') }, 'TOTP_INVALID', 'TOTP_ALREADY_ENABLED', 'TOTP_ENROLMENT_MISSING', 'VALIDATION_FAILED'),
  'POST /api/auth/totp/disable': op('disableTotp', 'Turn two-step verification off (needs an authenticator or recovery code)', 'session', { 204: noContent('Disabled') }, 'SECOND_FACTOR_REQUIRED', 'TOTP_INVALID', 'TOTP_NOT_ENABLED', 'RATE_LIMITED', 'VALIDATION_FAILED'),
  'GET /api/account': op('getAccount', 'The signed-in user’s account, identifiers masked', 'session', { 200: ok(Account, 'The account') }),
  'PATCH /api/account/security': op('setAntiPhishingCode', 'Set the anti-phishing code shown in every email', 'session', { 200: ok(z.object({ antiPhishingCode: z.string() }), 'Saved') }, 'VALIDATION_FAILED'),
  'PATCH /api/account/preferences': op('setPreferences', 'Set the account’s language and/or time zone (IANA name, null for the platform’s)', 'session', { 200: ok(z.object({ locale: z.enum(LOCALES), timeZone: z.string().nullable() }), 'Saved') }, 'VALIDATION_FAILED'),
  'GET /api/account/sessions': op('listSessions', 'The account’s live sessions', 'session', { 200: ok(z.object({ items: z.array(SessionRow) }), 'Sessions, this one marked current') }),
  'DELETE /api/account/sessions/:id': op('endSession', 'End one of the account’s sessions', 'session', { 204: noContent('Ended') }, 'SESSION_NOT_FOUND'),
  'DELETE /api/account/sessions': op('endOtherSessions', 'Sign out everywhere else (this session stays)', 'session', { 204: noContent('Ended') }),
};
