/**
 * IANA time zones as the buyer's browser reports them (`Intl.DateTimeFormat().resolvedOptions()`).
 * Pure: shared by the server (validation, mail dates) and the web UI.
 */

/** A zone name (`Area/City`, `UTC`), not an offset such as `+08:00` that never follows daylight time. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

/**
 * The zone's canonical name (`Asia/Calcutta` → `Asia/Kolkata` where the runtime knows it), or null
 * when the runtime does not know the zone. Asking `Intl` keeps the list as current as the runtime's
 * tz data, without a copy of it here.
 */
export function canonicalTimeZone(value: string): string | null {
  if (value.length > 64 || !ZONE_NAME.test(value)) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** What a refused zone is told (422 `VALIDATION_FAILED`). */
export const TIME_ZONE_HINT = 'expected an IANA time zone such as Asia/Shanghai';

export const isTimeZone = (value: string): boolean => canonicalTimeZone(value) !== null;

/** The zone this runtime (the buyer's browser) is set to, when it is one Adieu accepts. */
export function deviceTimeZone(): string | undefined {
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone ? (canonicalTimeZone(zone) ?? undefined) : undefined;
}

/** Every zone the runtime knows (for a picker), with the current one kept even when not listed (`UTC`). */
export function knownTimeZones(current?: string | null): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return current && !zones.includes(current) ? [current, ...zones] : zones;
}
