import { describe, expect, it } from 'vitest';
import { nulPath } from './refuse-nul.ts';

describe('nulPath', () => {
  it('finds a NUL in a nested value or key, and nothing in clean input', () => {
    expect(nulPath({ a: 'fine', b: [1, 'ok', { c: 'x\u0000y' }] })).toBe('b.2.c');
    expect(nulPath({ ['k\u0000']: 1 })).toBe('k\\0');
    expect(nulPath('\u0000')).toBe('');
    expect(nulPath({ a: 'fine', b: [1, null, true, { c: '\uD800 \u202E' }] })).toBeNull();
    expect(nulPath(undefined)).toBeNull();
  });
});
