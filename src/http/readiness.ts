import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';

export type CheckState = 'ok' | 'down';

export interface Readiness {
  ready: boolean;
  draining: boolean;
  checks: { database: CheckState; keys: CheckState; rateLimiter: CheckState };
}

/** Contexts whose process is shutting down: a load balancer must stop sending them work. */
const draining = new WeakSet<AppContext>();

export function markDraining(ctx: AppContext): void {
  draining.add(ctx);
}

const CHECK_TIMEOUT_MS = 2000;

/** A check that hangs (a pool waiting for a dead server) counts as down, quickly. */
async function check(fn: () => Promise<unknown>): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this process can serve: the database answers and holds our schema, the key store and
 * the rate-limit store answer, and it is not shutting down.
 */
export async function readiness(ctx: AppContext): Promise<Readiness> {
  const [database, keys, rateLimiter] = await Promise.all([
    check(() => ctx.db.execute(sql`SELECT 1 FROM users LIMIT 1`)),
    check(() => ctx.keys.ping()),
    check(() => ctx.rateLimiter.ping()),
  ]);
  const isDraining = draining.has(ctx);
  return {
    ready: !isDraining && database === 'ok' && keys === 'ok' && rateLimiter === 'ok',
    draining: isDraining,
    checks: { database, keys, rateLimiter },
  };
}
