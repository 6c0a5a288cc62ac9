/**
 * The languages Adieu speaks to buyers, and how a requested language tag finds one of them.
 * Pure: shared by the server (mail, SMS, eligibility texts) and the web UI.
 */
export const LOCALES = ['en', 'zh-CN', 'zh-TW', 'es', 'fr', 'pt-BR', 'ru', 'ar', 'ko', 'ja', 'de', 'it', 'pl', 'tr', 'nl'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language by its own name, so a reader finds theirs whatever the page is in now. */
export const ENDONYMS: Record<Locale, string> = {
  en: 'English',
  'zh-CN': '简体中文',
  'zh-TW': '繁體中文',
  es: 'Español',
  fr: 'Français',
  'pt-BR': 'Português (Brasil)',
  ru: 'Русский',
  ar: 'العربية',
  ko: '한국어',
  ja: '日本語',
  de: 'Deutsch',
  it: 'Italiano',
  pl: 'Polski',
  tr: 'Türkçe',
  nl: 'Nederlands',
};

/** Staff pages (review console, admin, dev tools) are written only in these. */
export const STAFF_LOCALES: readonly Locale[] = ['en', 'zh-CN'];

const RTL = new Set<string>(['ar']);

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function textDirection(locale: string): 'rtl' | 'ltr' {
  return RTL.has(locale.split('-')[0].toLowerCase()) ? 'rtl' : 'ltr';
}

/** Chinese written in traditional characters: Taiwan, Hong Kong, Macao, or an explicit `Hant` script. */
const TRADITIONAL_CHINESE = /^zh-(hant|tw|hk|mo)\b/;

/**
 * The supported locale closest to a language tag (`Accept-Language` entry, browser setting, stored
 * value): an exact match, then the same language (`pt-PT` → `pt-BR`, `de-AT` → `de`), else English.
 * Traditional Chinese never becomes Simplified Chinese, nor the other way round.
 */
export function negotiateLocale(tag: string | null | undefined): Locale {
  if (!tag) return 'en';
  const lower = tag.trim().replace(/_/g, '-').toLowerCase();
  const exact = LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split('-')[0];
  if (language === 'zh') return TRADITIONAL_CHINESE.test(lower) ? 'zh-TW' : 'zh-CN';
  return LOCALES.find((l) => l.split('-')[0].toLowerCase() === language) ?? 'en';
}

/**
 * Where a text missing in a locale is looked up next. `pt-BR` → `pt` → `en`: a regional variant
 * first falls back to its bare language (which a later Portuguese-for-Portugal file could fill),
 * then to English. The two Chinese scripts fall back to English, never to each other, because a
 * reader of one may not read the other.
 */
export function fallbackChain(locale: string): string[] {
  const chain = [locale];
  const language = locale.split('-')[0];
  if (language !== locale && language !== 'zh') chain.push(language);
  if (!chain.includes('en')) chain.push('en');
  return chain;
}
