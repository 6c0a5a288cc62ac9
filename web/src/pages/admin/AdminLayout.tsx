import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';

const SECTIONS = [
  { to: '/admin', key: 'sla', end: true },
  { to: '/admin/erasures', key: 'erasures' },
  { to: '/admin/audit', key: 'audit' },
  { to: '/admin/datamap', key: 'datamap' },
  { to: '/admin/webhooks', key: 'webhooks' },
  { to: '/admin/guidance', key: 'guidance' },
];

/** The privacy officer's pages, one tab each. */
export default function AdminLayout() {
  const { t } = useTranslation();
  return (
    <>
      <nav className="subnav" aria-label={t('admin.nav')}>
        {SECTIONS.map((s) => (
          <NavLink key={s.to} to={s.to} end={s.end} className={({ isActive }) => (isActive ? 'active' : undefined)}>
            {t(`admin.sections.${s.key}`)}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
