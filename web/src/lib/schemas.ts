import { z } from 'zod';

/**
 * The same rules as the API (src/accounts, src/domain/identifiers.ts), checked before sending so
 * people see problems at once. Messages are translation keys under `validation.`.
 */

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{2,63}$/u;
/** E.164 with its country code; the server's libphonenumber check is stricter. */
const PHONE = /^\+[1-9]\d{6,14}$/;

const compactPhone = (raw: string) => raw.normalize('NFKC').replace(/[\s().-]/g, '');

export const identifierSchema = z
  .string()
  .trim()
  .min(1, 'validation.required')
  .max(320, 'validation.tooLong')
  .refine((v) => (v.includes('@') ? EMAIL.test(v.normalize('NFKC').toLowerCase()) : PHONE.test(compactPhone(v))), 'validation.identifier');

export const passwordSchema = z
  .string()
  .refine((v) => [...v].length >= PASSWORD_MIN, 'validation.passwordShort')
  .refine((v) => [...v].length <= PASSWORD_MAX, 'validation.passwordLong');

export const signInSchema = z.object({
  identifier: identifierSchema,
  password: z.string().min(1, 'validation.required'),
});

export const signUpSchema = z
  .object({
    displayName: z.string().trim().min(1, 'validation.required').max(80, 'validation.tooLong'),
    email: z.string().trim().max(320, 'validation.tooLong'),
    phone: z.string().trim().max(40, 'validation.tooLong'),
    password: passwordSchema,
    confirm: z.string(),
  })
  .superRefine((v, ctx) => {
    if (!v.email && !v.phone) ctx.addIssue({ code: 'custom', path: ['email'], message: 'validation.emailOrPhone' });
    if (v.email && !EMAIL.test(v.email.normalize('NFKC').toLowerCase())) ctx.addIssue({ code: 'custom', path: ['email'], message: 'validation.email' });
    if (v.phone && !PHONE.test(compactPhone(v.phone))) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'validation.phone' });
    if (v.password !== v.confirm) ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'validation.mismatch' });
  });

export const forgotSchema = z.object({ identifier: identifierSchema });

export const resetSchema = z
  .object({ token: z.string().trim().min(1, 'validation.required').max(200, 'validation.tooLong'), password: passwordSchema, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'validation.mismatch' });

export const totpCodeSchema = z.string().trim().regex(/^\d{6}$/, 'validation.totp');
/** A 6-digit code or a recovery code (xxxxx-xxxxx). */
export const secondFactorSchema = z
  .string()
  .trim()
  .refine((v) => /^\d{6}$/.test(v.replace(/\s/g, '')) || /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(v), 'validation.secondFactor');

export const antiPhishingSchema = z.string().trim().regex(/^[\p{L}\p{N}]{4,20}$/u, 'validation.antiPhishing');

export const REASON_CODES = ['NO_LONGER_USE', 'PRIVACY_CONCERN', 'TOO_MANY_EMAILS', 'BAD_EXPERIENCE', 'DUPLICATE_ACCOUNT', 'OTHER'] as const;
export const REASON_TEXT_MAX = 1000;
export const reasonSchema = z
  .object({ reasonCode: z.enum(REASON_CODES, { message: 'validation.chooseReason' }), reasonText: z.string().trim().max(REASON_TEXT_MAX, 'validation.tooLong') })
  .refine((v) => v.reasonCode !== 'OTHER' || v.reasonText.length > 0, { path: ['reasonText'], message: 'validation.reasonOther' });

export const DECISION_OUTCOMES = ['approve', 'reject', 'request_info'] as const;
export const REJECTION_CODES = ['ID_UNREADABLE', 'ID_MISMATCH', 'BLOCKERS_PRESENT', 'SUSPECTED_FRAUD', 'OTHER'] as const;
export const MESSAGE_MAX = 2000;
export const decisionSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES, { message: 'validation.required' }),
  reasonCode: z.string().min(1, 'validation.required'),
  message: z.string().trim().min(1, 'validation.required').max(MESSAGE_MAX, 'validation.tooLong'),
});

export const messageSchema = z.object({ body: z.string().trim().min(1, 'validation.required').max(MESSAGE_MAX, 'validation.tooLong') });

export type FieldErrors = Record<string, string>;

/** Runs a schema; returns the parsed value or the first problem of each field (as translation keys). */
export function check<T>(schema: z.ZodType<T>, values: unknown): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_';
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}
