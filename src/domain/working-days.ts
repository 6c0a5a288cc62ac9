import chineseDays from 'chinese-days';
import type Holidays from 'date-holidays';
import { lazyModule } from '../lazy-module.ts';

// Half a second of CPU to load: on the first deadline, not at every start.
const holidaysLibrary = lazyModule<typeof Holidays>('date-holidays');

/**
 * Working-day arithmetic for review deadlines. Pure: the holiday libraries are data, no I/O.
 *
 * What "N working days after" means here:
 * - Days are calendar dates in the region's time zone: a submission at Friday 23:59 in Shanghai is a
 *   Friday submission, even though it is Friday 15:59 UTC.
 * - The day of submission never counts (whatever time it came in), so a request sent on a Monday
 *   morning and one sent on Monday night get the same deadline.
 * - The deadline is the END of the N-th working day after that date, 23:59:59.999 in the region's
 *   zone: the reviewer has that whole working day.
 *
 * Which dates are working days, first rule that applies wins:
 * 1. `holidays` of the configuration: never a working day;
 * 2. `workdays` of the configuration: always a working day (make-up days on weekends);
 * 3. the region's calendar: for CN `chinese-days`, which knows the State Council's make-up
 *    working days (调休); in years it does not cover yet, and for every other region,
 *    `date-holidays` full-day public holidays;
 * 4. otherwise Monday to Friday.
 */
export interface WorkCalendar {
  /** ISO country code, e.g. `CN`, `US`, `DE`. */
  region: string;
  /** IANA zone; defaults to the region's main zone (`Asia/Shanghai` for CN). */
  timeZone?: string;
  /** Extra non-working dates, `YYYY-MM-DD`. */
  holidays?: readonly string[];
  /** Extra working dates, `YYYY-MM-DD` (make-up working days). */
  workdays?: readonly string[];
}

const DAY_MS = 86_400_000;
const isoDateRe = /^\d{4}-\d{2}-\d{2}$/;

const holidayInstances = new Map<string, Holidays | null>();
function holidaysFor(region: string): Holidays | null {
  if (!holidayInstances.has(region)) {
    const Library = holidaysLibrary();
    const known = region in new Library().getCountries();
    holidayInstances.set(region, known ? new Library(region) : null);
  }
  return holidayInstances.get(region) ?? null;
}

/** The region's main time zone (its first listed zone), `UTC` when the region is unknown. */
export function regionTimeZone(region: string): string {
  return holidaysFor(region)?.getTimezones()?.[0] ?? 'UTC';
}

export const calendarTimeZone = (calendar: WorkCalendar) => calendar.timeZone ?? regionTimeZone(calendar.region);

/** Full-day public holidays of a region in a year, from `date-holidays` (memoised). */
const publicHolidayCache = new Map<string, Set<string>>();
function publicHolidays(region: string, year: number): Set<string> {
  const cacheKey = `${region}:${year}`;
  let found = publicHolidayCache.get(cacheKey);
  if (!found) {
    found = new Set<string>();
    for (const holiday of holidaysFor(region)?.getHolidays(year) ?? []) {
      // Only public holidays that take the whole day (CN's half-days such as 妇女节 do not close offices).
      if (holiday.type !== 'public' || !holiday.date.endsWith(' 00:00:00')) continue;
      const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      const first = parseIsoDate(holiday.date.slice(0, 10));
      for (let i = 0; i < days; i++) found.add(formatIsoDate(first + i * DAY_MS));
    }
    publicHolidayCache.set(cacheKey, found);
  }
  return found;
}

/** Whether chinese-days has the official calendar of a year (it always marks New Year's Day). */
const chineseYearCovered = new Map<number, boolean>();
function chineseDaysCovers(year: number): boolean {
  let covered = chineseYearCovered.get(year);
  if (covered === undefined) {
    covered = chineseDaysDetail(`${year}-01-01`).name.includes("New Year's Day");
    chineseYearCovered.set(year, covered);
  }
  return covered;
}

/**
 * chinese-days reads dates in the process's local zone; a Date at local midnight of the wanted
 * calendar date makes its answer the same whatever TZ the process runs in.
 */
function chineseDaysDetail(date: string): { work: boolean; name: string } {
  const [y, m, d] = date.split('-').map(Number);
  return chineseDays.getDayDetail(new Date(y, m - 1, d));
}

function regionSaysWorking(region: string, date: string): boolean {
  const year = Number(date.slice(0, 4));
  if (region === 'CN' && chineseDaysCovers(year)) return chineseDaysDetail(date).work;
  if (publicHolidays(region, year).has(date)) return false;
  return !isWeekend(date);
}

export function isWeekend(date: string): boolean {
  const weekday = new Date(parseIsoDate(date)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Whether a calendar date (`YYYY-MM-DD`) is a working day of the calendar. */
export function isWorkingDay(date: string, calendar: WorkCalendar): boolean {
  if (!isoDateRe.test(date)) throw new RangeError(`not a date: ${date}`);
  if (calendar.holidays?.includes(date)) return false;
  if (calendar.workdays?.includes(date)) return true;
  return regionSaysWorking(calendar.region, date);
}

/** Milliseconds since the epoch of a date's UTC midnight: a plain day counter, no zone involved. */
function parseIsoDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

function formatIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addCalendarDays(date: string, days: number): string {
  return formatIsoDate(parseIsoDate(date) + days * DAY_MS);
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(instant: Date, timeZone: string): Record<string, number> {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    dateFormatters.set(timeZone, formatter);
  }
  const out: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out;
}

/** The calendar date (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const p = partsIn(instant, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** How far the zone is ahead of UTC at an instant, in milliseconds. */
function zoneOffsetMs(instant: Date, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant of a wall-clock time on a date in a zone (the later one if a DST change repeats it). */
export function zonedInstant(date: string, time: { h: number; m: number; s: number; ms: number }, timeZone: string): Date {
  const wall = parseIsoDate(date) + ((time.h * 60 + time.m) * 60 + time.s) * 1000 + time.ms;
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  // A second pass settles a guess that crossed a DST change.
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** The last instant (23:59:59.999) of a date in a zone. */
export const endOfLocalDay = (date: string, timeZone: string) => zonedInstant(date, { h: 23, m: 59, s: 59, ms: 999 }, timeZone);

/** The N-th working day strictly after a calendar date. */
export function nthWorkingDayAfter(date: string, n: number, calendar: WorkCalendar): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a whole number ≥ 0');
  let day = date;
  // Guard: a calendar with no working days at all would loop forever.
  for (let found = 0, steps = 0; found < n; steps++) {
    if (steps > 3660 + n * 7) throw new RangeError('no working days found in ten years');
    day = addCalendarDays(day, 1);
    if (isWorkingDay(day, calendar)) found += 1;
  }
  return day;
}

/** The deadline: end of the N-th working day after the (local) date of `start`. */
export function addWorkingDays(start: Date, n: number, calendar: WorkCalendar): Date {
  const zone = calendarTimeZone(calendar);
  if (n === 0) return endOfLocalDay(localDate(start, zone), zone);
  return endOfLocalDay(nthWorkingDayAfter(localDate(start, zone), n, calendar), zone);
}

/**
 * Whole working days from `start` to `end`: the working days after start's local date up to and
 * including end's local date (0 when decided the same day or before the next working day).
 */
export function workingDaysBetween(start: Date, end: Date, calendar: WorkCalendar): number {
  const zone = calendarTimeZone(calendar);
  const last = localDate(end, zone);
  let day = localDate(start, zone);
  let count = 0;
  for (let steps = 0; day < last && steps < 3660; steps++) {
    day = addCalendarDays(day, 1);
    if (isWorkingDay(day, calendar)) count += 1;
  }
  return count;
}
