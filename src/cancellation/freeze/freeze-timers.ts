import type { Timer } from '../../jobs/timers.ts';
import { queueDueFreezeNotices } from './freeze-notices.ts';

/** Retries of freeze notices, and sends a crashed worker left behind. */
export const freezeNoticeTimer: Timer = { name: 'freeze.notices', run: queueDueFreezeNotices };
