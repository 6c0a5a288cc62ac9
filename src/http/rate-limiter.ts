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
 * Fixed-window counters shared by every server process. `now` is the service clock, so the dev
 * clock can move a window along like any other deadline.
 */
export interface RateLimiter {
  readonly kind: 'postgres' | 'redis';
  /** Counts one event and tells whether it is within `limit` for the window. */
  hit(scope: string, value: string, limit: number, windowSeconds: number, now: Date): Promise<RateDecision>;
  /** The current count without counting. */
  peek(scope: string, value: string, now: Date): Promise<{ count: number; retryAfterSeconds: number }>;
  reset(scope: string, value: string): Promise<void>;
  /** Whether the store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The key of a counter: an HMAC of the counted value, so neither an IP address nor an identifier is
 * ever stored, in the database or in Redis.
 */
export function counterKey(secret: Buffer, scope: string, value: string): string {
  return `${scope}:${createHmac('sha256', secret).update(value).digest('base64url').slice(0, 32)}`;
}

export const retryAfter = (endsMs: number, nowMs: number) => Math.max(1, Math.ceil((endsMs - nowMs) / 1000));

/** Counters in the main database (the default): one upsert per event. */
export class PostgresRateLimiter implements RateLimiter {
  readonly kind = 'postgres' as const;

  constructor(
    private readonly db: Db,
    private readonly secret: () => Promise<Buffer>,
  ) {}

  private async key(scope: string, value: string): Promise<string> {
    return counterKey(await this.secret(), scope, value);
  }

  async hit(scope: string, value: string, limit: number, windowSeconds: number, now: Date): Promise<RateDecision> {
    const key = await this.key(scope, value);
    const windowEnd = new Date(now.getTime() + windowSeconds * 1000);
    const [row] = await queryRows<{ count: number; window_ends_at: Date | string }>(
      this.db,
      sql`INSERT INTO rate_limits (key, count, window_ends_at) VALUES (${key}, 1, ${windowEnd})
          ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN rate_limits.window_ends_at <= ${now} THEN 1 ELSE rate_limits.count + 1 END,
            window_ends_at = CASE WHEN rate_limits.window_ends_at <= ${now} THEN ${windowEnd} ELSE rate_limits.window_ends_at END
          RETURNING count, window_ends_at`,
    );
    return { allowed: row.count <= limit, count: row.count, retryAfterSeconds: retryAfter(new Date(row.window_ends_at).getTime(), now.getTime()) };
  }

  async peek(scope: string, value: string, now: Date): Promise<{ count: number; retryAfterSeconds: number }> {
    const key = await this.key(scope, value);
    const [row] = await queryRows<{ count: number; window_ends_at: Date | string }>(
      this.db,
      sql`SELECT count, window_ends_at FROM rate_limits WHERE key = ${key} AND window_ends_at > ${now}`,
    );
    if (!row) return { count: 0, retryAfterSeconds: 0 };
    return { count: row.count, retryAfterSeconds: retryAfter(new Date(row.window_ends_at).getTime(), now.getTime()) };
  }

  async reset(scope: string, value: string): Promise<void> {
    await this.db.execute(sql`DELETE FROM rate_limits WHERE key = ${await this.key(scope, value)}`);
  }

  async ping(): Promise<void> {
    await this.db.execute(sql`SELECT 1`);
  }

  async close(): Promise<void> {}
}
