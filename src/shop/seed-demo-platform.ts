import type { Db } from '../db/database.ts';
import { platformLoyaltyMembers } from './platform.tables.ts';

/**
 * The demo platform's loyalty members, keyed by the platform's own buyer ids. Those are the logins
 * of `adieu demo-idp` (its `sub` is the login): once a demo buyer signs in through it, Adieu knows
 * their externalId and an erasure reaches their row here (datamap/platform.yaml).
 */
export async function seedDemoPlatform(tx: Db, buyers: Array<{ externalId: string; nickname: string }>, now: Date): Promise<void> {
  if (buyers.length === 0) return;
  await tx.insert(platformLoyaltyMembers).values(
    buyers.map((b, i) => ({ externalId: b.externalId, nickname: b.nickname, tier: i === 0 ? 'gold' : 'silver', points: 1200 - i * 300, joinedAt: new Date(now.getTime() - (500 - i * 40) * 86_400_000) })),
  );
}
