import { isIP } from 'node:net';
import type { CountryCode } from 'libphonenumber-js/max';
import { parsePhoneNumber } from './phone-numbers.ts';
import type { IdentifierKind } from './erasure-datamap.ts';

/**
 * Classifies a column (a key pattern, a file path) as personal or not, by its name and by a sample
 * of its values, for `adieu datamap discover`'s draft. Each verdict carries why, in words that
 * never repeat a value. Pure: no I/O (node:net's isIP is a pure check).
 */

export type ValueKind = 'email' | 'phone' | 'cn_resident_id' | 'card_number' | 'ip_address' | 'street_address' | 'person_name';

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[a-z]{2,}$/i;

export function isEmail(value: string): boolean {
  return EMAIL.test(value.trim());
}

/** E.164 (`+8613800000001`) or a national number of the region (`138 0000 0001`), checked by libphonenumber. */
export function isPhone(value: string, region: CountryCode = 'CN'): boolean {
  const text = value.trim();
  if (!/^[+\d][\d\s().-]{5,24}$/.test(text)) return false;
  const parsed = text.startsWith('+') ? parsePhoneNumber(text) : parsePhoneNumber(text, region);
  return !!parsed && parsed.isValid();
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A Chinese resident identity number (GB 11643-1999): 18 characters, a valid birth date, ISO 7064 MOD 11-2 check. */
export function isChineseResidentId(value: string): boolean {
  const text = value.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(text)) return false;
  const year = Number(text.slice(6, 10));
  const month = Number(text.slice(10, 12));
  const day = Number(text.slice(12, 14));
  const born = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) return false;
  const sum = ID_WEIGHTS.reduce((n, w, i) => n + w * Number(text[i]), 0);
  return ID_CHECK[sum % 11] === text[17];
}

/** A payment card number: 13–19 digits (spaces or dashes allowed) passing the Luhn check. */
export function isCardNumber(value: string): boolean {
  const text = value.trim();
  if (!/^\d[\d -]{11,22}\d$/.test(text)) return false;
  const digits = text.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || /^(\d)\1+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isIpAddress(value: string): boolean {
  return isIP(value.trim()) !== 0;
}

const STREET_EN = /^\s*(flat|apt|unit|suite|no\.?)?\s*\d+[a-z]?,?\s+([a-z'.-]+\s+){1,4}(street|st|road|rd|lane|ln|avenue|ave|boulevard|blvd|drive|dr|way|court|ct|place|pl|square|sq|terrace)\b/i;
const STREET_ANY = /\b\d+[a-z]?,?\s+([a-z'.-]+\s+){0,4}(street|road|lane|avenue|boulevard|drive|terrace)\b/i;
const STREET_ZH = /[\u4e00-\u9fff]{1,12}(路|街|道|巷|弄)\s*\d+\s*(号|號)/;

export function isStreetAddress(value: string): boolean {
  return STREET_EN.test(value) || STREET_ANY.test(value) || STREET_ZH.test(value);
}

/** Common Chinese family names (the most frequent cover most of the population). */
const ZH_SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';

/** "Ada Lovelace", "Mary-Jane O'Neil", or two to four Han characters starting with a common family name. */
export function isPersonName(value: string): boolean {
  const text = value.trim();
  if (/^[\u4e00-\u9fff]{2,4}$/.test(text)) return ZH_SURNAMES.includes(text[0]);
  const word = `[A-Z](?:[a-z]+|[a-z]*['-][A-Z]?[a-z]+)`;
  return new RegExp(`^${word}( ${word}){1,2}$`).test(text);
}

/** Checks in order of how specific they are: a card number is not also called a phone number. */
const VALUE_CHECKS: Array<[ValueKind, (value: string) => boolean]> = [
  ['email', isEmail],
  ['cn_resident_id', isChineseResidentId],
  ['card_number', isCardNumber],
  ['ip_address', isIpAddress],
  ['phone', (v) => isPhone(v)],
  ['street_address', isStreetAddress],
  ['person_name', isPersonName],
];

export function classifyValue(value: string): ValueKind | null {
  for (const [kind, check] of VALUE_CHECKS) if (check(value)) return kind;
  return null;
}

const NAME_HINTS: Array<[RegExp, ValueKind | 'free_text' | 'identity']> = [
  [/e_?mail/, 'email'],
  [/(phone|mobile|tel|msisdn)/, 'phone'],
  [/(id_?card|id_?number|resident_?id|national_?id|passport|ssn)/, 'cn_resident_id'],
  [/(card_?(no|number|num)|pan$|iban)/, 'card_number'],
  [/(^|_)ip(_|$)|ip_?addr/, 'ip_address'],
  [/(address|street|line_?1|line_?2|addr|postcode|zip)/, 'street_address'],
  [/(^|_)(full_?name|first_?name|last_?name|surname|given_?name|display_?name|name|nickname|contact_?name|recipient)($|_)/, 'person_name'],
  [/(note|notes|comment|body|message|description|remark|text|reason|detail)$/, 'free_text'],
  [/^(user|customer|buyer|member|account)_?(id|ref)$/, 'identity'],
];

export interface ColumnVerdict {
  personal: boolean;
  /** What the verification scan should sample it as. */
  identifier?: IdentifierKind;
  kind?: ValueKind | 'free_text' | 'identity';
  /** Why, without any value. */
  why: string;
}

const IDENTIFIER_OF: Record<ValueKind | 'free_text', IdentifierKind> = {
  email: 'email',
  phone: 'phone',
  person_name: 'name',
  street_address: 'address',
  free_text: 'free_text',
  cn_resident_id: 'other',
  card_number: 'other',
  ip_address: 'other',
};

/**
 * A column's verdict from its name and how many of its sampled values look like each kind. A value
 * kind wins when at least `share` of the non-empty samples match it; the name alone suffices too.
 */
export function classifyColumn(name: string, samples: string[], share = 0.3): ColumnVerdict {
  const lower = name.toLowerCase();
  const hint = NAME_HINTS.find(([pattern]) => pattern.test(lower))?.[1];
  const values = samples.filter((s) => s.trim() !== '');
  const counts = new Map<ValueKind, number>();
  for (const value of values) {
    const kind = classifyValue(value);
    if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const [top, topCount] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
  const byValue = top && values.length > 0 && topCount / values.length >= share ? top : null;
  if (hint === 'identity') return { personal: true, kind: 'identity', why: `the name ${name} looks like the buyer's id: a candidate reach column` };
  if (byValue) {
    const agrees = hint === byValue ? ` and its name agrees` : '';
    return { personal: true, kind: byValue, identifier: IDENTIFIER_OF[byValue], why: `${topCount} of ${values.length} sampled values look like ${byValue.replace(/_/g, ' ')}${agrees}` };
  }
  if (hint) return { personal: true, kind: hint, identifier: IDENTIFIER_OF[hint], why: `the name ${name} suggests ${hint.replace(/_/g, ' ')}${values.length ? ' (no sampled value confirms it)' : ''}` };
  return { personal: false, why: values.length ? `neither the name nor ${values.length} sampled values look personal` : 'the name does not look personal and there were no values to sample' };
}
