import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows } from '../db/sql.ts';

export interface RateDecision {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters in the database, shared by every server. Keys are HMACs, so neither an IP
 * address nor an identifier is ever stored.
 */
export class RateLimiter {
  constructor(
    private readonly db: Db,
    private readonly secret: Buffer,
  ) {}

  private key(scope: string, value: string): string {
    return `${scope}:${createHmac('sha256', this.secret).update(value).digest('base64url').slice(0, 32)}`;
  }

  /** Counts one event and tells whether it is within `limit` for the window. */
  async hit(scope: string, value: string, limit: number, windowSeconds: number, now: Date): Promise<RateDecision> {
    const key = this.key(scope, value);
    const windowEnd = new Date(now.getTime() + windowSeconds * 1000);
    const [row] = await queryRows<{ count: number; window_ends_at: Date | string }>(
      this.db,
      sql`INSERT INTO rate_limits (key, count, window_ends_at) VALUES (${key}, 1, ${windowEnd})
          ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN rate_limits.window_ends_at <= ${now} THEN 1 ELSE rate_limits.count + 1 END,
            window_ends_at = CASE WHEN rate_limits.window_ends_at <= ${now} THEN ${windowEnd} ELSE rate_limits.window_ends_at END
          RETURNING count, window_ends_at`,
    );
    const ends = new Date(row.window_ends_at).getTime();
    return {
      allowed: row.count <= limit,
      count: row.count,
      retryAfterSeconds: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)),
    };
  }

  /** The current count without counting. */
  async peek(scope: string, value: string, now: Date): Promise<{ count: number; retryAfterSeconds: number }> {
    const key = this.key(scope, value);
    const [row] = await queryRows<{ count: number; window_ends_at: Date | string }>(
      this.db,
      sql`SELECT count, window_ends_at FROM rate_limits WHERE key = ${key} AND window_ends_at > ${now}`,
    );
    if (!row) return { count: 0, retryAfterSeconds: 0 };
    return { count: row.count, retryAfterSeconds: Math.max(1, Math.ceil((new Date(row.window_ends_at).getTime() - now.getTime()) / 1000)) };
  }

  async reset(scope: string, value: string): Promise<void> {
    await this.db.execute(sql`DELETE FROM rate_limits WHERE key = ${this.key(scope, value)}`);
  }
}
