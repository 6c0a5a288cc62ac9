import { Suspense } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { call } from '../api/typed.ts';
import { hasRole, useSession, useSignOutReset } from '../api/session.ts';
import { useDevClock } from '../api/dev.ts';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';
import { DemoBanner } from './DemoBanner.tsx';
import { Loading } from './Loading.tsx';

export function Layout() {
  const { t } = useTranslation();
  const { data: session } = useSession();
  const { data: devClock } = useDevClock();
  const reset = useSignOutReset();
  const navigate = useNavigate();
  const user = session?.user ?? null;

  const signOut = async () => {
    await call('post', '/api/auth/logout').catch(() => undefined);
    reset();
    navigate('/sign-in');
  };

  const navClass = ({ isActive }: { isActive: boolean }) => `nav-link${isActive ? ' nav-link-active' : ''}`;

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <DemoBanner />
      <header className="topbar">
        <div className="container topbar-inner">
          <NavLink to="/" className="brand" aria-label={t('app.homeLabel')}>
            <span className="brand-mark" aria-hidden="true">
              A
            </span>
            <span className="brand-name">{t('app.name')}</span>
          </NavLink>
          <nav aria-label={t('nav.main')} className="nav">
            {user && (
              <>
                <NavLink to="/account" className={navClass} end>
                  {t('nav.account')}
                </NavLink>
                <NavLink to="/account/security" className={navClass}>
                  {t('nav.security')}
                </NavLink>
              </>
            )}
            {hasRole(user, 'reviewer') && (
              <NavLink to="/review" className={navClass}>
                {t('nav.review')}
              </NavLink>
            )}
            {hasRole(user, 'admin') && (
              <NavLink to="/admin" className={navClass}>
                {t('nav.admin')}
              </NavLink>
            )}
            {devClock && (
              <NavLink to="/dev" className={navClass}>
                {t('nav.devTools')}
              </NavLink>
            )}
          </nav>
          <div className="topbar-tools">
            <LanguageSwitcher />
            {user ? (
              <div className="user-chip">
                <span className="user-name" title={user.displayName}>
                  {user.displayName}
                </span>
                <button type="button" className="btn btn-ghost btn-sm" onClick={signOut}>
                  {t('nav.signOut')}
                </button>
              </div>
            ) : (
              <NavLink to="/sign-in" className="btn btn-secondary btn-sm">
                {t('nav.signIn')}
              </NavLink>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="container main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="footer">
        <div className="container footer-inner">
          <p>{t('app.footer')}</p>
        </div>
      </footer>
    </div>
  );
}
