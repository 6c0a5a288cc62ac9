import * as z from 'zod/mini';

/**
 * The same rules as the API (src/accounts, src/domain/identifiers.ts, src/cancellation), checked
 * before sending so people see problems at once. Messages are translation keys under
 * `validation.`. `zod/mini` keeps the bundle small: same engine, functional checks.
 */

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{2,63}$/u;
/** E.164 with its country code; the server's libphonenumber check is stricter. */
const PHONE = /^\+[1-9]\d{6,14}$/;

const compactPhone = (raw: string) => raw.normalize('NFKC').replace(/[\s().-]/g, '');
const isEmail = (v: string) => EMAIL.test(v.normalize('NFKC').toLowerCase());
const isPhone = (v: string) => PHONE.test(compactPhone(v));
const length = (v: string) => [...v].length;

export const identifierSchema = z.string().check(
  z.trim(),
  z.minLength(1, 'validation.required'),
  z.maxLength(320, 'validation.tooLong'),
  z.refine((v) => (v.includes('@') ? isEmail(v) : isPhone(v)), 'validation.identifier'),
);

export const passwordSchema = z.string().check(
  z.refine((v) => length(v) >= PASSWORD_MIN, 'validation.passwordShort'),
  z.refine((v) => length(v) <= PASSWORD_MAX, 'validation.passwordLong'),
);

const required = z.string().check(z.minLength(1, 'validation.required'));

export const signInSchema = z.object({ identifier: identifierSchema, password: required });

export const signUpSchema = z
  .object({
    displayName: z.string().check(z.trim(), z.minLength(1, 'validation.required'), z.maxLength(80, 'validation.tooLong')),
    email: z.string().check(z.trim(), z.maxLength(320, 'validation.tooLong')),
    phone: z.string().check(z.trim(), z.maxLength(40, 'validation.tooLong')),
    password: passwordSchema,
    confirm: z.string(),
  })
  .check(
    z.superRefine((v, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message, input: v });
      if (!v.email && !v.phone) issue('email', 'validation.emailOrPhone');
      if (v.email && !isEmail(v.email)) issue('email', 'validation.email');
      if (v.phone && !isPhone(v.phone)) issue('phone', 'validation.phone');
      if (v.password !== v.confirm) issue('confirm', 'validation.mismatch');
    }),
  );

export const forgotSchema = z.object({ identifier: identifierSchema });

export const resetSchema = z
  .object({ token: z.string().check(z.trim(), z.minLength(1, 'validation.required'), z.maxLength(200, 'validation.tooLong')), password: passwordSchema, confirm: z.string() })
  .check(z.refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'validation.mismatch' }));

export const requiredSchema = required;
export const totpCodeSchema = z.string().check(z.trim(), z.regex(/^\d{6}$/, 'validation.totp'));
/** A 6-digit code or a recovery code (xxxxx-xxxxx). */
export const secondFactorSchema = z
  .string()
  .check(z.trim(), z.refine((v) => /^\d{6}$/.test(v.replace(/\s/g, '')) || /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(v), 'validation.secondFactor'));

export const antiPhishingSchema = z.string().check(z.trim(), z.regex(/^[\p{L}\p{N}]{4,20}$/u, 'validation.antiPhishing'));

export const REASON_CODES = ['NO_LONGER_USE', 'PRIVACY_CONCERN', 'TOO_MANY_EMAILS', 'BAD_EXPERIENCE', 'DUPLICATE_ACCOUNT', 'OTHER'] as const;
/** FREE_TEXT_MAX of src/cancellation/reason-codes.ts. */
export const REASON_TEXT_MAX = 2000;
export const reasonSchema = z
  .object({ reasonCode: z.enum(REASON_CODES, 'validation.chooseReason'), reasonText: z.string().check(z.trim(), z.maxLength(REASON_TEXT_MAX, 'validation.tooLong')) })
  .check(z.refine((v) => v.reasonCode !== 'OTHER' || v.reasonText.length > 0, { path: ['reasonText'], message: 'validation.reasonOther' }));

export const DECISION_OUTCOMES = ['approve', 'reject', 'request_info'] as const;
export const MESSAGE_MAX = 2000;
export const decisionSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES, 'validation.required'),
  reasonCode: required,
  message: z.string().check(z.trim(), z.minLength(1, 'validation.required'), z.maxLength(MESSAGE_MAX, 'validation.tooLong')),
});

export const messageSchema = z.object({ body: z.string().check(z.trim(), z.minLength(1, 'validation.required'), z.maxLength(MESSAGE_MAX, 'validation.tooLong')) });

export type FieldErrors = Record<string, string>;

/** Runs a schema; returns the parsed value or the first problem of each field (as translation keys). */
export function check<T>(schema: z.ZodMiniType<T>, values: unknown): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  const result = z.safeParse(schema, values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_';
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}
