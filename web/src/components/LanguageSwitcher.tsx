import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/typed.ts';
import { useSession } from '../api/session.ts';
import { useDevClock } from '../api/dev.ts';
import { LANGUAGES, type Language } from '../i18n.ts';
import { PSEUDO_LOCALE } from '../lib/pseudo-locale.ts';

/** Switches the page language; a signed-in user's choice is also saved so emails follow it. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const { data: session } = useSession();
  // The pseudo-locale (for catching hard-coded and clipped texts) is offered only with dev tools on.
  const { data: devClock } = useDevClock();
  const id = useId();
  const change = (language: string) => {
    void i18n.changeLanguage(language);
    if (session?.user && language !== PSEUDO_LOCALE) void call('patch', '/api/account/preferences', { body: { locale: language as Language } }).catch(() => undefined);
  };
  const options = devClock ? [...LANGUAGES, { code: PSEUDO_LOCALE, label: '[Ƥšéúďó]' }] : LANGUAGES;
  return (
    <div className="lang">
      <label htmlFor={id} className="lang-label">
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8">
          <circle cx="12" cy="12" r="9" />
          <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z" />
        </svg>
        <span className="visually-hidden">{t('nav.language')}</span>
      </label>
      <select id={id} className="lang-select" value={i18n.resolvedLanguage} onChange={(e) => change(e.target.value)}>
        {options.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </div>
  );
}
