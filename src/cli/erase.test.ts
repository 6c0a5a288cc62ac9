import { describe, expect, it } from 'vitest';
import { parseSince } from './erase.ts';

describe('erase --since', () => {
  it('reads a date as midnight UTC and an ISO date-time as written', () => {
    expect(parseSince('2026-11-30')?.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(parseSince('2026-11-30T02:00:00Z')?.toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(parseSince('2026-11-30T10:00:00+08:00')?.toISOString()).toBe('2026-11-30T02:00:00.000Z');
  });

  it('refuses anything else', () => {
    for (const bad of ['yesterday', '30/11/2026', '2026-13-01', '2026-11-30T25:00:00Z', '', '1700000000']) expect(parseSince(bad)).toBeNull();
  });
});
