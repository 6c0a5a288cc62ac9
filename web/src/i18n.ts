import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';

/** Only the reader's language is downloaded; the other loads when they switch. */
const localeBackend = {
  type: 'backend' as const,
  init() {},
  read(language: string, _namespace: string, callback: (error: unknown, data: Record<string, unknown> | null) => void) {
    const load = language === 'zh-CN' ? import('./locales/zh-CN.json') : import('./locales/en.json');
    load.then((module) => callback(null, module.default), (error) => callback(error, null));
  },
};

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];

/** Any Chinese browser setting reads the Simplified Chinese text; any English one the English. */
function toSupported(language: string): string {
  const lower = language.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return language;
}

void i18n
  .use(localeBackend)
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    supportedLngs: ['en', 'zh-CN'],
    fallbackLng: 'en',
    load: 'currentOnly',
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      caches: ['localStorage'],
      lookupLocalStorage: 'adieu.language',
      convertDetectedLanguage: toSupported,
    },
    returnNull: false,
  });

const applyDocumentLanguage = (language: string) => {
  document.documentElement.lang = language;
};
applyDocumentLanguage(i18n.resolvedLanguage ?? 'en');
i18n.on('languageChanged', () => applyDocumentLanguage(i18n.resolvedLanguage ?? 'en'));

export default i18n;
