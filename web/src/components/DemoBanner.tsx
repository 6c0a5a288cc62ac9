import { Link } from 'react-router';
import { Trans, useTranslation } from 'react-i18next';
import { useDevClock } from '../api/dev.ts';
import { useFormat } from '../lib/format.ts';

/** The demo people of API.md (shown only when dev tools are on, i.e. `npm start`). */
export const DEMO_ACCOUNTS = [
  { key: 'ada', identifier: 'ada@example.com', password: 'demo-password-1' },
  { key: 'ben', identifier: 'ben@example.com', password: 'demo-password-1' },
  { key: 'cai', identifier: 'cai@example.com', password: 'demo-password-1' },
  { key: 'reviewer', identifier: 'reviewer@example.com', password: 'demo-reviewer-1' },
  { key: 'admin', identifier: 'admin@example.com', password: 'demo-admin-1' },
] as const;

/** Tells a newcomer this is a demo, who they can sign in as, and where the dev tools are. */
export function DemoBanner() {
  const { t } = useTranslation();
  const { data: clock } = useDevClock();
  const fmt = useFormat();
  if (!clock) return null;
  const shifted = Math.abs(clock.offsetMs) > 60_000;
  return (
    <aside className="demo-banner" aria-label={t('demo.label')}>
      <div className="container demo-inner">
        <div className="demo-text">
          <strong>{t('demo.title')}</strong> {t('demo.intro')}{' '}
          <details className="demo-accounts">
            <summary>{t('demo.showAccounts')}</summary>
            <ul>
              {DEMO_ACCOUNTS.map((a) => (
                <li key={a.key}>
                  <Trans i18nKey={`demo.accounts.${a.key}`} values={{ identifier: a.identifier, password: a.password }} components={{ code: <code /> }} />
                </li>
              ))}
            </ul>
          </details>
        </div>
        <p className="demo-links">
          {shifted && (
            <span className="demo-clock">
              {t('demo.clock', { time: fmt.dateTime(clock.now) })}
            </span>
          )}
          <Link to="/dev">{t('nav.devTools')}</Link>
          <Link to="/dev/mailbox">{t('nav.mailbox')}</Link>
        </p>
      </div>
    </aside>
  );
}
