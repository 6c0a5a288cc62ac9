import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { utcTimestampToIso } from './timestamp-text.ts';

/** What the export wrote before: node-postgres's own parser, then toISOString. */
const viaDate = (text: string) => (pg.types.getTypeParser(1184, 'text')(text) as Date).toISOString();

describe('utcTimestampToIso', () => {
  it('writes what parsing into a Date and toISOString write', () => {
    for (const text of [
      '2026-12-06 08:23:00+00',
      '2026-12-06 08:23:00.1+00',
      '2026-12-06 08:23:00.12+00',
      '2026-12-06 08:23:00.123+00',
      '2026-12-06 08:23:00.123999+00',
      '1970-01-01 00:00:00.000001+00',
      '1000-01-01 23:59:59.999999+00',
      '0900-01-01 00:00:00+00',
      '9999-12-31 23:59:59.5+00',
    ]) {
      expect(utcTimestampToIso(text)).toBe(viaDate(text));
    }
  });

  it('leaves other shapes to the caller', () => {
    for (const text of ['2026-12-06 08:23:00+01', '2026-12-06 08:23:00.123+05:30', '2026-12-06 08:23:00 BC', 'infinity', '-infinity', '12026-01-01 00:00:00+00', '2026-12-06T08:23:00+00']) {
      expect(utcTimestampToIso(text)).toBeNull();
    }
  });
});
