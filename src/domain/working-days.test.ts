import { describe, expect, it } from 'vitest';
import { addWorkingDays, calendarTimeZone, isWorkingDay, localDate, nthWorkingDayAfter, workingDaysBetween, type WorkCalendar } from './working-days.ts';

const CN: WorkCalendar = { region: 'CN' };
const US: WorkCalendar = { region: 'US' };
const DE: WorkCalendar = { region: 'DE' };

/** An instant given as wall-clock time in Shanghai (UTC+8, no DST). */
const shanghai = (local: string) => new Date(new Date(`${local}Z`).getTime() - 8 * 3_600_000);
const dueDate = (start: Date, n: number, calendar: WorkCalendar) => localDate(addWorkingDays(start, n, calendar), calendarTimeZone(calendar));

describe('working days: China (chinese-days, with make-up working days)', () => {
  it('uses Asia/Shanghai as the region zone', () => {
    expect(calendarTimeZone(CN)).toBe('Asia/Shanghai');
  });

  it('2026-09-28 + 15 working days = 2026-10-23 (Golden Week, make-up Sunday and Saturday)', () => {
    const due = addWorkingDays(shanghai('2026-09-28T10:00:00'), 15, CN);
    expect(due.toISOString()).toBe('2026-10-23T15:59:59.999Z'); // 23:59:59.999 in Shanghai
  });

  it('counts a late-night submission on the local date, not the UTC date', () => {
    // Thursday 23:59 in Shanghai (15:59 UTC Thursday): the next working day is Friday.
    expect(dueDate(shanghai('2026-03-05T23:59:00'), 1, CN)).toBe('2026-03-06');
    // Friday 00:00 in Shanghai is still Thursday in UTC, but it is a Friday submission.
    expect(dueDate(shanghai('2026-03-06T00:00:00'), 1, CN)).toBe('2026-03-09');
    // Friday 23:59 in Shanghai is a Friday submission: the first working day after it is Monday.
    expect(dueDate(shanghai('2026-03-06T23:59:00'), 1, CN)).toBe('2026-03-09');
  });

  it('does not count the day of submission, even when it is a working day', () => {
    expect(dueDate(shanghai('2026-03-09T08:00:00'), 1, CN)).toBe('2026-03-10');
    expect(dueDate(shanghai('2026-03-09T08:00:00'), 0, CN)).toBe('2026-03-09');
  });

  it('skips Golden Week 2025 and counts its make-up Sunday and Saturday', () => {
    expect(isWorkingDay('2025-09-28', CN)).toBe(true); // Sunday, make-up working day
    expect(isWorkingDay('2025-10-08', CN)).toBe(false); // Wednesday, holiday
    expect(isWorkingDay('2025-10-11', CN)).toBe(true); // Saturday, make-up working day
    expect(dueDate(shanghai('2025-09-27T12:00:00'), 1, CN)).toBe('2025-09-28');
    expect(dueDate(shanghai('2025-09-30T12:00:00'), 1, CN)).toBe('2025-10-09');
    expect(dueDate(shanghai('2025-09-30T12:00:00'), 3, CN)).toBe('2025-10-11');
  });

  it('skips Spring Festival 2026 and counts the make-up Saturdays around it', () => {
    expect(nthWorkingDayAfter('2026-02-13', 1, CN)).toBe('2026-02-14'); // Saturday make-up day
    expect(nthWorkingDayAfter('2026-02-13', 2, CN)).toBe('2026-02-24'); // after 15–23 Feb
    expect(nthWorkingDayAfter('2026-02-13', 5, CN)).toBe('2026-02-27');
    expect(nthWorkingDayAfter('2026-02-13', 6, CN)).toBe('2026-02-28'); // Saturday make-up day
  });

  it('skips Spring Festival 2025 (make-up Sunday 26 Jan)', () => {
    expect(nthWorkingDayAfter('2025-01-24', 1, CN)).toBe('2025-01-26');
    expect(nthWorkingDayAfter('2025-01-24', 2, CN)).toBe('2025-01-27');
    expect(nthWorkingDayAfter('2025-01-24', 3, CN)).toBe('2025-02-05');
  });

  it('crosses year ends', () => {
    expect(nthWorkingDayAfter('2024-12-31', 1, CN)).toBe('2025-01-02');
    expect(nthWorkingDayAfter('2025-12-31', 1, CN)).toBe('2026-01-04'); // Sunday make-up day after New Year 2026
    expect(nthWorkingDayAfter('2025-12-31', 2, CN)).toBe('2026-01-05');
    expect(addWorkingDays(shanghai('2025-12-31T23:30:00'), 2, CN).toISOString()).toBe('2026-01-05T15:59:59.999Z');
  });

  it('falls back to date-holidays for years chinese-days does not cover yet', () => {
    // 2027 National Day (1–3 Oct) from date-holidays: Thursday 30 Sep + 1 = Monday 4 Oct.
    expect(nthWorkingDayAfter('2027-09-30', 1, CN)).toBe('2027-10-04');
    expect(isWorkingDay('2027-03-08', CN)).toBe(true); // half-day holiday (妇女节) does not close offices
  });

  it('gives the same answer whatever the process time zone', () => {
    // eslint-disable-next-line no-restricted-properties -- the test flips the process zone on purpose
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        // eslint-disable-next-line no-restricted-properties
        process.env.TZ = zone;
        expect(isWorkingDay('2026-10-10', CN)).toBe(true);
        expect(isWorkingDay('2026-10-09', CN)).toBe(true);
        expect(isWorkingDay('2026-10-07', CN)).toBe(false);
      }
    } finally {
      // eslint-disable-next-line no-restricted-properties
      if (saved === undefined) delete process.env.TZ;
      // eslint-disable-next-line no-restricted-properties
      else process.env.TZ = saved;
    }
  });
});

describe('working days: other regions (date-holidays)', () => {
  it('US: skips Thanksgiving and the Independence Day substitute, ends the day in New York', () => {
    expect(calendarTimeZone(US)).toBe('America/New_York');
    const due = addWorkingDays(new Date('2026-11-25T17:00:00Z'), 1, US);
    expect(due.toISOString()).toBe('2026-11-28T04:59:59.999Z'); // Friday 27 Nov, 23:59:59.999 EST
    expect(nthWorkingDayAfter('2026-07-02', 1, US)).toBe('2026-07-06');
  });

  it('US: handles the switch to daylight saving time', () => {
    const due = addWorkingDays(new Date('2026-03-06T20:00:00Z'), 1, US);
    expect(due.toISOString()).toBe('2026-03-10T03:59:59.999Z'); // Monday 9 Mar, 23:59:59.999 EDT
  });

  it('DE: skips Good Friday and Easter Monday', () => {
    expect(calendarTimeZone(DE)).toBe('Europe/Berlin');
    const due = addWorkingDays(new Date('2026-04-02T08:00:00Z'), 1, DE);
    expect(due.toISOString()).toBe('2026-04-07T21:59:59.999Z');
    expect(isWorkingDay('2026-05-14', DE)).toBe(false); // Ascension
    expect(isWorkingDay('2026-02-16', DE)).toBe(true); // Rosenmontag is only an observance
  });

  it('an unknown region has weekends only, in UTC', () => {
    const none: WorkCalendar = { region: 'XX' };
    expect(calendarTimeZone(none)).toBe('UTC');
    expect(nthWorkingDayAfter('2026-12-24', 1, none)).toBe('2026-12-25');
  });
});

describe('working days: configured holidays and workdays', () => {
  it('adds extra holidays and make-up working days', () => {
    const calendar: WorkCalendar = { region: 'CN', holidays: ['2026-03-10'], workdays: ['2026-03-07'] };
    expect(nthWorkingDayAfter('2026-03-06', 1, calendar)).toBe('2026-03-07');
    expect(nthWorkingDayAfter('2026-03-06', 2, calendar)).toBe('2026-03-09');
    expect(nthWorkingDayAfter('2026-03-06', 3, calendar)).toBe('2026-03-11');
  });

  it('a configured holiday wins over the region’s make-up day', () => {
    const calendar: WorkCalendar = { region: 'CN', holidays: ['2026-10-10'] };
    expect(nthWorkingDayAfter('2026-09-28', 15, calendar)).toBe('2026-10-26');
  });

  it('a configured working day wins over a region holiday', () => {
    const calendar: WorkCalendar = { region: 'US', workdays: ['2026-11-26'] };
    expect(nthWorkingDayAfter('2026-11-25', 1, calendar)).toBe('2026-11-26');
  });

  it('a time zone override moves the day boundary', () => {
    const calendar: WorkCalendar = { region: 'CN', timeZone: 'UTC' };
    // Friday 00:30 in Shanghai is Thursday 16:30 UTC: a Thursday submission in a UTC calendar.
    expect(dueDate(shanghai('2026-03-06T00:30:00'), 1, calendar)).toBe('2026-03-06');
    expect(addWorkingDays(shanghai('2026-03-06T00:30:00'), 1, calendar).toISOString()).toBe('2026-03-06T23:59:59.999Z');
  });

  it('rejects bad input', () => {
    expect(() => isWorkingDay('2026-3-1', CN)).toThrow(RangeError);
    expect(() => nthWorkingDayAfter('2026-03-01', -1, CN)).toThrow(RangeError);
    expect(() => nthWorkingDayAfter('2026-03-01', 1, { region: 'XX', holidays: [] , workdays: [] , timeZone: 'UTC' })).not.toThrow();
  });
});

describe('working days between two instants', () => {
  it('counts working days after the start date up to the end date', () => {
    expect(workingDaysBetween(shanghai('2026-09-28T10:00:00'), shanghai('2026-10-23T18:00:00'), CN)).toBe(15);
    expect(workingDaysBetween(shanghai('2026-09-28T10:00:00'), shanghai('2026-09-28T18:00:00'), CN)).toBe(0);
    expect(workingDaysBetween(shanghai('2026-09-30T10:00:00'), shanghai('2026-10-08T09:00:00'), CN)).toBe(1);
    expect(workingDaysBetween(shanghai('2026-10-23T10:00:00'), shanghai('2026-09-28T10:00:00'), CN)).toBe(0);
  });
});
