/**
 * Retention arithmetic. Periods are calendar periods (`P3Y` is three calendar years, as the law
 * counts them, not 3 × 365 days), added in UTC the same way PostgreSQL adds an interval. Pure.
 */
const PERIOD = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/;

export function addPeriod(from: Date, period: string): Date {
  const match = PERIOD.exec(period);
  if (!match || period === 'P') throw new Error(`not a period: ${period}`);
  const [, y, m, d] = match;
  const result = new Date(from.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCFullYear(result.getUTCFullYear() + Number(y ?? 0));
  result.setUTCMonth(result.getUTCMonth() + Number(m ?? 0));
  // Like PostgreSQL: 29 Feb + 1 year is 28 Feb, never 1 March.
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  result.setUTCDate(result.getUTCDate() + Number(d ?? 0));
  return result;
}

export interface RetentionSummary {
  rows: number;
  legalBasis: string;
  period: string;
  /** When the first kept row is due for deletion, and when the last is. */
  firstPurgeAfter: string;
  purgeAfter: string;
}

/** From a retain step's counts and the earliest and latest start of the period. */
export function retentionSummary(rows: number, earliest: Date, latest: Date, legalBasis: string, period: string): RetentionSummary {
  return {
    rows,
    legalBasis,
    period,
    firstPurgeAfter: addPeriod(earliest, period).toISOString(),
    purgeAfter: addPeriod(latest, period).toISOString(),
  };
}
