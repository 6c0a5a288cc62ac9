import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';

/** The demo buyers' marketplace: Ada eligible, Ben with open orders, Cai with a dispute and a balance. */
export async function seedDemoShop(_ctx: AppContext, _tx: Db, _buyers: Record<'ada' | 'ben' | 'cai', string>): Promise<void> {
  // Filled in by the shop module (orders, disputes, wallet…).
}
