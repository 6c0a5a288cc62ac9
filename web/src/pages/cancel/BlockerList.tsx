import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Blocker } from '../../api/types.ts';
import { useFormat } from '../../lib/format.ts';

interface BlockerListProps {
  blockers: Blocker[];
  warnings: Blocker[];
  /** Show a green "nothing stands in the way" row when there are no blockers. */
  showClear?: boolean;
  /** Hide the "resolve" links (reviewers cannot act on the buyer's orders). */
  staff?: boolean;
}

const isInternal = (link: string) => link.startsWith('/') && !link.startsWith('//');

/** Blockers first (must be settled), then warnings (worth knowing), each with what to do and where. */
export function BlockerList({ blockers, warnings, showClear = true, staff = false }: BlockerListProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const row = (b: Blocker, tone: 'blocker' | 'warning') => {
    const link = b.link;
    return (
      <li key={`${tone}-${b.code}`} className={`checklist-item checklist-${tone}`} data-code={b.code}>
        <span className="checklist-icon" aria-hidden="true">
          {tone === 'blocker' ? '✕' : '!'}
        </span>
        <div data-server-text>
          <p className="checklist-title">
            <span className="visually-hidden">{tone === 'blocker' ? t('checklist.blockerPrefix') : t('checklist.warningPrefix')} </span>
            {b.title}
          </p>
          <p>{b.detail}</p>
          {typeof b.amount === 'object' && b.amount && (
            <p className="small">
              {t('checklist.amount')} <strong>{fmt.money(b.amount)}</strong>
            </p>
          )}
          {!staff && <p className="checklist-hint">{b.resolveHint}</p>}
          {!staff && link && isInternal(link) && (
            <p>
              <Link to={link}>{t(`checklist.link.${b.code}`, { defaultValue: t('checklist.link.default') })} <span className="dir-arrow" aria-hidden="true">→</span></Link>
            </p>
          )}
        </div>
      </li>
    );
  };
  return (
    <ul className="checklist" aria-label={t('checklist.label')}>
      {blockers.map((b) => row(b, 'blocker'))}
      {blockers.length === 0 && showClear && (
        <li className="checklist-item checklist-ok">
          <span className="checklist-icon" aria-hidden="true">
            ✓
          </span>
          <div>
            <p className="checklist-title">{t('checklist.clearTitle')}</p>
            <p>{staff ? t('checklist.clearTextStaff') : t('checklist.clearText')}</p>
          </div>
        </li>
      )}
      {warnings.map((w) => row(w, 'warning'))}
    </ul>
  );
}
