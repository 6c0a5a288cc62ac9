import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LOCALES, type Locale } from '../domain/locales.ts';
import { GUIDANCE_CODES, type DecisionReasonCode } from './decision-reasons.ts';

const LOCALES_DIR = fileURLToPath(new URL('./locales', import.meta.url));

/** Plain text (an admin edits it as such), one file per language: `locales/guidance.<locale>.json`. */
const readGuidance = (locale: Locale) => JSON.parse(readFileSync(`${LOCALES_DIR}/guidance.${locale}.json`, 'utf8')) as Record<DecisionReasonCode, string>;

/**
 * The built-in guidance, used until an admin edits a template. Each tells the buyer what was wrong
 * and exactly what to do next; reviewers start from it and may adjust it per case.
 */
export const DEFAULT_GUIDANCE: Record<DecisionReasonCode, Record<Locale, string>> = (() => {
  const byLocale = Object.fromEntries(LOCALES.map((locale) => [locale, readGuidance(locale)])) as Record<Locale, Record<DecisionReasonCode, string>>;
  return Object.fromEntries(
    GUIDANCE_CODES.map((code) => [code, Object.fromEntries(LOCALES.map((locale) => [locale, byLocale[locale][code]]))]),
  ) as Record<DecisionReasonCode, Record<Locale, string>>;
})();
