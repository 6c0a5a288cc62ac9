/**
 * Keyset paging cursors: an opaque base64url of `[ISO time, id]`. A cursor comes back from the
 * client, so decoding accepts only what `encodeKeysetCursor` can produce: an ISO instant that
 * round-trips, within the years a database timestamp holds, and an id of the project's alphabet.
 * Anything else is `null` (the caller answers 400 CURSOR_INVALID), never a database error.
 */
export interface KeysetPosition {
  at: Date;
  id: string;
}

const ID = /^[A-Za-z0-9_-]{1,100}$/;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function encodeKeysetCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeKeysetCursor(cursor: string): KeysetPosition | null {
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [iso, id] = value;
  if (typeof iso !== 'string' || typeof id !== 'string' || !ID.test(id)) return null;
  const at = new Date(iso);
  const time = at.getTime();
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST || at.toISOString() !== iso) return null;
  return { at, id };
}
