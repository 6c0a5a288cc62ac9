/**
 * A `timestamptz` in the server's text for a session in UTC (`YYYY-MM-DD HH:MM:SS[.ffffff]+00`)
 * as `Date#toISOString` would write it (milliseconds, truncated as a Date truncates), without a
 * Date per value: the data export reads hundreds of thousands of them. Null for any other shape
 * (another offset, years past 9999, BC, infinity), which the caller parses as before.
 */
export function utcTimestampToIso(text: string): string | null {
  const n = text.length;
  // 22 characters without a fraction, up to 29 with six digits of it.
  if (n < 22 || n > 29 || text[10] !== ' ' || text[n - 3] !== '+' || text[n - 2] !== '0' || text[n - 1] !== '0') return null;
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00$/.test(text)) return null;
  const fraction = n > 22 ? `${text.slice(20, n - 3)}000`.slice(0, 3) : '000';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`;
}
