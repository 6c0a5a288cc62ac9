import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads days, weeks and times', () => {
    expect(parseDuration('P16D')).toBe(16 * 86_400_000);
    expect(parseDuration('P1W')).toBe(7 * 86_400_000);
    expect(parseDuration('PT2H30M')).toBe(2.5 * 3_600_000);
    expect(parseDuration('P1DT1S')).toBe(86_401_000);
  });

  it('refuses what is not a duration', () => {
    expect(parseDuration('P')).toBeNull();
    expect(parseDuration('PT')).toBeNull();
    expect(parseDuration('16 days')).toBeNull();
    expect(parseDuration('P1M')).toBeNull();
  });
});
