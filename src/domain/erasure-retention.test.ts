import { describe, expect, it } from 'vitest';
import { addPeriod, retentionSummary } from './erasure-retention.ts';

describe('retention periods', () => {
  it('adds calendar years, months and days like PostgreSQL', () => {
    expect(addPeriod(new Date('2024-02-29T10:00:00Z'), 'P1Y').toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(addPeriod(new Date('2023-01-31T00:00:00Z'), 'P1M').toISOString()).toBe('2023-02-28T00:00:00.000Z');
    expect(addPeriod(new Date('2023-05-01T00:00:00Z'), 'P3Y').toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(addPeriod(new Date('2023-05-01T00:00:00Z'), 'P10D').toISOString()).toBe('2023-05-11T00:00:00.000Z');
    expect(() => addPeriod(new Date(), 'P')).toThrow();
  });

  it('summarises when the first and the last kept row are due', () => {
    expect(retentionSummary(3, new Date('2023-01-01T00:00:00Z'), new Date('2024-06-01T00:00:00Z'), 'law', 'P3Y')).toEqual({
      rows: 3,
      legalBasis: 'law',
      period: 'P3Y',
      firstPurgeAfter: '2026-01-01T00:00:00.000Z',
      purgeAfter: '2027-06-01T00:00:00.000Z',
    });
  });
});
