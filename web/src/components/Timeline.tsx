import { useTranslation } from 'react-i18next';
import type { TimelineEntry } from '../api/types.ts';
import { useFormat } from '../lib/format.ts';

/** What happened to a request, oldest first, in words. */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const detailText = (entry: TimelineEntry) => {
    const d = entry.detail;
    if (!d || typeof d !== 'object') return null;
    const parts: string[] = [];
    if (typeof d.reasonCode === 'string') parts.push(t(`reasons.${d.reasonCode}`, { defaultValue: t(`decisionReasons.${d.reasonCode}`, { defaultValue: d.reasonCode }) }));
    if (typeof d.dueAt === 'string') parts.push(t('timeline.dueAt', { date: fmt.date(d.dueAt) }));
    if (typeof d.graceEndsAt === 'string') parts.push(t('timeline.graceEndsAt', { date: fmt.dateTime(d.graceEndsAt) }));
    return parts.length ? parts.join(' · ') : null;
  };
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((entry, i) => (
        <li key={`${entry.at}-${i}`}>
          <p className="timeline-event">{t(`timeline.${entry.event}`, { defaultValue: entry.event.replace(/_/g, ' ') })}</p>
          <p className="timeline-time">
            <time dateTime={entry.at}>{fmt.dateTime(entry.at)}</time>
            {detailText(entry) && <> · {detailText(entry)}</>}
          </p>
        </li>
      ))}
    </ol>
  );
}
