import type { Timer } from '../jobs/timers.ts';
import { purgeUsedTokenIds } from './token-ids.ts';

/** Forgets the ids of handoff and logout tokens once those tokens expired. */
export const identityTimers: Timer[] = [{ name: 'identity.used-token-ids', run: purgeUsedTokenIds }];
