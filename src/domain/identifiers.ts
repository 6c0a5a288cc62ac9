import { parsePhoneNumber } from './phone-numbers.ts';

export type Identifier = { kind: 'email'; value: string } | { kind: 'phone'; value: string };

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{2,63}$/u;

/** NFKC and lower case, so `Ada@Example.COM` and its full-width twin are one account. */
export function normaliseEmail(raw: string): string | null {
  const value = raw.normalize('NFKC').trim().toLowerCase();
  return value.length <= 254 && EMAIL.test(value) ? value : null;
}

/** E.164. Numbers must carry their country code (`+86…`), since a marketplace is global. */
export function normalisePhone(raw: string): string | null {
  const value = raw.normalize('NFKC').trim();
  if (!value.startsWith('+')) return null;
  const phone = parsePhoneNumber(value);
  return phone && phone.isValid() ? phone.number : null;
}

/** Sign-in and recovery accept either an email or a phone number in one field. */
export function parseIdentifier(raw: string): Identifier | null {
  if (raw.includes('@')) {
    const email = normaliseEmail(raw);
    return email ? { kind: 'email', value: email } : null;
  }
  const phone = normalisePhone(raw.replace(/[\s().-]/g, ''));
  return phone ? { kind: 'phone', value: phone } : null;
}

export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  const visible = local.length <= 2 ? local.slice(0, 1) : local.slice(0, 2);
  return `${visible}${'*'.repeat(Math.max(3, local.length - visible.length))}@${domain}`;
}

export function maskPhone(phone: string): string {
  const parsed = parsePhoneNumber(phone);
  const national = parsed?.nationalNumber ?? phone.slice(1);
  const code = parsed?.countryCallingCode ?? '';
  return `+${code} ${national.slice(0, 3)}****${national.slice(-4)}`;
}
