import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { serviceClock } from './clock.tables.ts';

/** The one source of "now" for requests and jobs. */
export interface Clock {
  now(): Date;
  /** Picks up a change made by another process (dev clock); a no-op for the system clock. */
  refresh(db: Db): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  refresh: async () => undefined,
};

/** The system clock shifted by an offset kept in the database, moved by `/api/dev/clock`. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  async refresh(db: Db): Promise<void> {
    const rows = await db.select({ offsetMs: serviceClock.offsetMs }).from(serviceClock).where(eq(serviceClock.id, 1));
    this.offsetMs = rows[0]?.offsetMs ?? 0;
  }

  /** Moves the clock to `target` (never backwards past the real time is fine: it is a dev tool). */
  async set(db: Db, target: Date): Promise<Date> {
    const offsetMs = target.getTime() - Date.now();
    await db
      .insert(serviceClock)
      .values({ id: 1, offsetMs })
      .onConflictDoUpdate({ target: serviceClock.id, set: { offsetMs: sql`excluded.offset_ms` } });
    this.offsetMs = offsetMs;
    return this.now();
  }
}
