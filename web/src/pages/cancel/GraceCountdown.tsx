import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDevClock } from '../../api/dev.ts';
import { useFormat } from '../../lib/format.ts';

/** Time left before erasure starts, by the service's clock (the dev clock may have been moved). */
export function GraceCountdown({ endsAt }: { endsAt: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { data: clock } = useDevClock();
  const [tick, setTick] = useState(Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setTick(Date.now()), 30_000);
    return () => window.clearInterval(id);
  }, []);
  const now = tick + (clock?.offsetMs ?? 0);
  const left = Math.max(0, new Date(endsAt).getTime() - now);
  const days = Math.floor(left / 86_400_000);
  const hours = Math.floor((left % 86_400_000) / 3_600_000);
  const minutes = Math.floor((left % 3_600_000) / 60_000);
  return (
    <div>
      <p className="countdown" data-testid="grace-countdown">
        <span className="countdown-value">{left === 0 ? t('status.page.graceOver') : t('status.page.graceLeft', { days, hours, minutes })}</span>
      </p>
      <p className="muted">{t('status.page.graceEnds', { time: fmt.dateTime(endsAt) })}</p>
    </div>
  );
}
