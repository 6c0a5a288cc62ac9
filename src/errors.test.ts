import { describe, expect, it } from 'vitest';
import { AppError, ERRORS } from './errors.ts';

/** The codes and statuses API.md promises to clients. */
const CONTRACT: Record<string, number> = {
  VALIDATION_FAILED: 422,
  IDENTIFIER_TAKEN: 409,
  AUTH_INVALID_CREDENTIALS: 401,
  TOTP_REQUIRED: 401,
  RATE_LIMITED: 429,
  CSRF_INVALID: 403,
  TOKEN_INVALID: 400,
  REAUTH_REQUIRED: 403,
  FILE_TOO_LARGE: 413,
  UNSUPPORTED_FILE: 415,
  IMAGE_INVALID: 422,
  CANCELLATION_BLOCKED: 409,
  CANCELLATION_ALREADY_OPEN: 409,
  NOT_WITHDRAWABLE: 409,
  ALREADY_CLAIMED: 409,
  STALE_APPLICATION: 409,
  OIDC_INVALID: 400,
  HANDOFF_INVALID: 401,
  EXPORT_IN_PROGRESS: 409,
  EXPORT_EXPIRED: 410,
};

describe('error registry', () => {
  it('holds every code of the public contract with its status', () => {
    for (const [code, status] of Object.entries(CONTRACT)) {
      expect(ERRORS[code as keyof typeof ERRORS]?.status, code).toBe(status);
    }
  });

  it('gives every code an error status and a sentence a person can read', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.message, code).toMatch(/^[A-Z].*[.!?]$/);
    }
  });

  it('shapes the body as the API promises', () => {
    const error = new AppError('CANCELLATION_BLOCKED', { blockers: [] });
    expect(error.toBody()).toEqual({ error: { code: 'CANCELLATION_BLOCKED', message: ERRORS.CANCELLATION_BLOCKED.message, blockers: [] } });
  });
});
