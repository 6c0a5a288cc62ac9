import { registerTimer } from '../jobs/timers.ts';
import { purgeUsedTokenIds } from './token-ids.ts';

// Forgets the ids of handoff and logout tokens once those tokens expired.
registerTimer({ name: 'identity.used-token-ids', run: purgeUsedTokenIds });
