import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { users } from '../accounts/accounts.tables.ts';
import { insertUser } from '../accounts/users.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { DEMO_ACCOUNTS } from './demo-accounts.ts';
import { seedDemoShop } from '../shop/seed-demo-shop.ts';
import { seedDemoPlatform } from '../shop/seed-demo-platform.ts';

/** Seeds the demo people and their marketplace, only into an empty database. Returns whether it did. */
export async function seedDemo(ctx: AppContext): Promise<boolean> {
  // One row is enough to know (a restart does nothing else); count(*) would read every user.
  const existing = await ctx.db.select({ one: sql<number>`1` }).from(users).limit(1);
  if (existing.length > 0) return false;
  await ctx.db.transaction(async (tx) => {
    const ids: Record<string, string> = {};
    for (const account of DEMO_ACCOUNTS) {
      const user = await insertUser(ctx, tx, { ...account, createdAt: new Date(ctx.clock.now().getTime() - 400 * 86_400_000) });
      ids[account.key] = user.id;
      await appendAudit(tx, { at: ctx.clock.now(), actor: 'system', action: 'account.created', subject: user.subjectId, data: { demo: true } });
    }
    await seedDemoShop(ctx, tx, ids as Record<'ada' | 'ben' | 'cai', string>);
    const buyers = DEMO_ACCOUNTS.filter((a) => a.roles.includes('buyer'));
    await seedDemoPlatform(tx, buyers.map((a) => ({ externalId: a.key, nickname: a.displayName.split(' ')[0] })), ctx.clock.now());
  });
  return true;
}
