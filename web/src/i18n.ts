/// <reference types="vite/client" />
import i18n from 'i18next';
import ICU from 'i18next-icu';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { ENDONYMS, LOCALES, fallbackChain, negotiateLocale, textDirection } from '../../src/domain/locales.ts';
import { PSEUDO_LOCALE, pseudoLocalize } from './lib/pseudo-locale.ts';

type Messages = Record<string, unknown>;

/** Each locale is its own chunk: only the reader's language is downloaded. */
const LOCALE_FILES = import.meta.glob<{ default: Messages }>('./locales/*.json');

const loadLocale = async (language: string): Promise<Messages> => {
  if (language === PSEUDO_LOCALE) return pseudoLocalize(await loadLocale('en'));
  const load = LOCALE_FILES[`./locales/${language}.json`];
  // A bare language of the fallback chain (`pt`) has no file of its own yet: nothing to add.
  return load ? (await load()).default : {};
};

const localeBackend = {
  type: 'backend' as const,
  init() {},
  read(language: string, _namespace: string, callback: (error: unknown, data: Messages | null) => void) {
    loadLocale(language).then(
      (messages) => callback(null, messages),
      (error) => callback(error, null),
    );
  },
};

export const LANGUAGES = LOCALES.map((code) => ({ code, label: ENDONYMS[code] }));
export type Language = (typeof LOCALES)[number];

/** `pt-BR` → `pt` → `en`; the Chinese scripts and every other language fall back to English. */
const fallbackLng = Object.fromEntries([...LOCALES.map((l) => [l, fallbackChain(l).slice(1)]), ['default', ['en']]]);

void i18n
  .use(ICU)
  .use(localeBackend)
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    supportedLngs: [...LOCALES, 'pt', PSEUDO_LOCALE],
    fallbackLng,
    load: 'currentOnly',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      caches: ['localStorage'],
      lookupLocalStorage: 'adieu.language',
      // The browser's `de-AT` reads German, `zh-HK` Traditional Chinese, `pt-PT` Brazilian Portuguese.
      convertDetectedLanguage: (language: string) => (language === PSEUDO_LOCALE ? language : negotiateLocale(language)),
    },
    returnNull: false,
  });

/** `lang` and `dir` on the document, so the browser, screen readers and CSS follow the language. */
const applyDocumentLanguage = (language: string) => {
  document.documentElement.lang = language;
  document.documentElement.dir = textDirection(language);
};
applyDocumentLanguage(i18n.resolvedLanguage ?? 'en');
i18n.on('languageChanged', () => applyDocumentLanguage(i18n.resolvedLanguage ?? 'en'));

export default i18n;
