import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, isTimeZone } from './time-zones.ts';

describe('time zones', () => {
  it('accepts the zones browsers report', () => {
    for (const zone of ['America/Los_Angeles', 'Asia/Shanghai', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+8']) {
      expect(isTimeZone(zone)).toBe(true);
    }
    expect(canonicalTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
  });

  it('refuses unknown zones, offsets and junk', () => {
    for (const zone of ['Mars/Olympus_Mons', 'Etc/Unknown', '+08:00', 'GMT+8:00', '', 'Asia/', '../etc/passwd', 'a'.repeat(70)]) {
      expect(isTimeZone(zone)).toBe(false);
    }
  });
});
