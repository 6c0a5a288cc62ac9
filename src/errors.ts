/**
 * The one error registry: every error code Adieu answers with, its HTTP status and the sentence a
 * person reads. Services throw `AppError`; only the HTTP error handler turns it into a status.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 422, message: 'Some fields are missing or invalid.' },
  BAD_REQUEST: { status: 400, message: 'The request could not be understood.' },
  CURSOR_INVALID: { status: 400, message: 'This page link is not valid. Start again from the first page.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted here.' },
  NOT_FOUND: { status: 404, message: 'Nothing was found here.' },
  URI_TOO_LONG: { status: 414, message: 'The address of this request is too long.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side. Please try again later.' },
  KEY_MISSING: { status: 503, message: 'Your data cannot be opened right now: the service is missing a key. The operators have been alerted; please try again later.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is not ready. Please try again shortly.' },

  AUTH_REQUIRED: { status: 401, message: 'Please sign in first.' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: 'The identifier or password is not correct.' },
  TOTP_REQUIRED: { status: 401, message: 'Enter the code from your authenticator app.' },
  TOTP_INVALID: { status: 401, message: 'That authenticator code is not valid.' },
  TOTP_ALREADY_ENABLED: { status: 409, message: 'Two-step verification is already on.' },
  TOTP_NOT_ENABLED: { status: 409, message: 'Two-step verification is not on.' },
  TOTP_ENROLMENT_MISSING: { status: 409, message: 'Start two-step verification set-up first.' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Please wait and try again.' },
  CSRF_INVALID: { status: 403, message: 'The security token of this request is missing or wrong. Reload the page and try again.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  REAUTH_REQUIRED: { status: 403, message: 'Please confirm it is you: enter your password or authenticator code again.' },
  SECOND_FACTOR_REQUIRED: { status: 403, message: 'Enter a code from your authenticator app, or a recovery code, to do this.' },
  ACCOUNT_FROZEN: { status: 409, message: 'This account is being closed; this action is no longer possible.' },
  IDENTIFIER_TAKEN: { status: 409, message: 'This email or phone number cannot be used for a new account.' },
  IDENTIFIER_INVALID: { status: 422, message: 'Enter a valid email address or phone number in international format.' },
  PASSWORD_TOO_WEAK: { status: 422, message: 'This password is too common or too easy to guess. Choose a longer, less common one.' },
  TOKEN_INVALID: { status: 400, message: 'This link or code is invalid, already used or expired.' },
  SESSION_NOT_FOUND: { status: 404, message: 'This session does not exist.' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'No such account.' },
  OIDC_INVALID: { status: 400, message: 'Signing in with your platform account did not complete. Please start again.' },
  HANDOFF_INVALID: { status: 401, message: 'This sign-in link is invalid, already used or expired. Please start again from the platform.' },
  LOGOUT_TOKEN_INVALID: { status: 400, message: 'The logout token is invalid.' },
  LINK_REQUIRED: { status: 409, message: 'An account with this email already exists here. Enter its password once to link the two.' },
  LINK_EXPIRED: { status: 400, message: 'Linking your accounts took too long. Please sign in with your platform account again.' },
  IDENTITY_QUARANTINED: { status: 409, message: 'This account was closed recently and cannot be opened again yet.' },
  EXTERNAL_ID_TAKEN: { status: 409, message: 'This platform id already belongs to another buyer, or this buyer already has another id of this platform.' },
  PLATFORM_IDENTITY_MISSING: { status: 409, message: 'No platform identity is configured (identity.handoff or identity.oidc): platform ids cannot be linked.' },
  LOCAL_ACCOUNTS_DISABLED: { status: 404, message: 'Sign in with your platform account.' },

  CANCELLATION_BLOCKED: { status: 409, message: 'Your account cannot be cancelled yet: some things must be resolved first.' },
  CANCELLATION_ALREADY_OPEN: { status: 409, message: 'You already have an open cancellation request.' },
  APPLICATION_NOT_FOUND: { status: 404, message: 'No such cancellation request.' },
  NOT_WITHDRAWABLE: { status: 409, message: 'This request can no longer be withdrawn: erasure has started or the request is closed.' },
  NOT_RESUBMITTABLE: { status: 409, message: 'Only a rejected request or one that needs more information can be resubmitted.' },
  INVALID_TRANSITION: { status: 409, message: 'This step is not possible in the current state of the request.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This Idempotency-Key was already used for a different request.' },
  DOCUMENT_NOT_FOUND: { status: 404, message: 'No such document.' },
  DOCUMENTS_REQUIRED: { status: 422, message: 'Add at least one identity document.' },
  TOO_MANY_DOCUMENTS: { status: 422, message: 'A request may carry at most 6 documents.' },
  FILE_TOO_LARGE: { status: 413, message: 'The file is larger than 10 MB.' },
  UNSUPPORTED_FILE: { status: 415, message: 'Upload a JPEG, PNG, WebP or HEIC photo.' },
  IMAGE_INVALID: { status: 422, message: 'The image could not be read: it is damaged, too large or not an image.' },

  ALREADY_CLAIMED: { status: 409, message: 'Another reviewer is working on this request.' },
  NOT_CLAIMED: { status: 409, message: 'Claim this request before deciding it.' },
  DOCUMENTS_NOT_REVIEWED: { status: 409, message: 'Open every identity document of this request before approving it.' },
  STALE_APPLICATION: { status: 409, message: 'Someone else changed this request first. Reload it.' },
  SECOND_REVIEWER_REQUIRED: { status: 409, message: 'This request needs a second reviewer.' },

  ERASURE_NOT_FOUND: { status: 404, message: 'No such erasure run.' },
  CERTIFICATE_NOT_FOUND: { status: 404, message: 'No such certificate.' },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, message: 'The signature of this callback is missing or wrong.' },
  UNKNOWN_DELIVERY: { status: 404, message: 'No erasure request with this messageId was sent to this receiver.' },

  EXPORT_IN_PROGRESS: { status: 409, message: 'An export of your data is already being prepared. You will get an email when it is ready.' },
  EXPORT_NOT_FOUND: { status: 404, message: 'No such data export.' },
  EXPORT_NOT_READY: { status: 409, message: 'This data export is not ready yet.' },
  EXPORT_EXPIRED: { status: 410, message: 'This data export has expired and was destroyed. Ask for a new one.' },
  EXPORT_UNAVAILABLE: { status: 409, message: 'The erasure of this account has started: its data can no longer be exported.' },

  DEV_TOOLS_DISABLED: { status: 404, message: 'Nothing was found here.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, options: { message?: string; headers?: Record<string, string> } = {}) {
    super(options.message ?? ERRORS[code].message);
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
    this.headers = options.headers ?? {};
  }

  toBody(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
