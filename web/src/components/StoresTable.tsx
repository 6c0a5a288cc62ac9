import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format.ts';

export interface StoresTableRow {
  key: string;
  /** Empty to leave the cell blank (a store's later tables). */
  store: string;
  table: string;
  action: string;
  /** Rows touched; null when not known yet. */
  rows: number | null;
  /** The run's state column, when the table shows one. */
  state?: ReactNode;
}

/**
 * What erasure does per store and table: the same table on the certificate, an erasure run and a
 * dry-run preview, so the three always read alike.
 */
export function StoresTable({ rows, caption, withState = false }: { rows: StoresTableRow[]; caption?: string; withState?: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('common.scrollTable')}>
      <table className="table">
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            <th scope="col">{t('stores.store')}</th>
            <th scope="col">{t('stores.table')}</th>
            <th scope="col">{t('stores.action')}</th>
            <th scope="col" className="num">
              {t('stores.rows')}
            </th>
            {withState && <th scope="col">{t('stores.state')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td>{r.store}</td>
              <td className="mono">{r.table}</td>
              <td>{t(`stores.actions.${r.action}`, { defaultValue: r.action })}</td>
              <td className="num">{r.rows === null ? '—' : fmt.number(r.rows)}</td>
              {withState && <td>{r.state}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
