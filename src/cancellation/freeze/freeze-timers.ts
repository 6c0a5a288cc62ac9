import { registerTimer } from '../../jobs/timers.ts';
import { queueDueFreezeNotices } from './freeze-notices.ts';

registerTimer({ name: 'freeze.notices', run: queueDueFreezeNotices });
