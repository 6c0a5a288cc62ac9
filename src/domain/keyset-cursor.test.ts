import { describe, expect, it } from 'vitest';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.ts';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  it('round-trips what it encodes', () => {
    const at = new Date('2026-03-02T10:00:00.000Z');
    expect(decodeKeysetCursor(encodeKeysetCursor(at, 'ord_AbC-12_x'))).toEqual({ at, id: 'ord_AbC-12_x' });
  });

  it('refuses crafted cursors instead of passing them to the database', () => {
    for (const crafted of [
      b64(['1', 'ord_x']),
      b64(['+275760-09-13T00:00:00.000Z', 'ord_x']),
      b64(['-000001-01-01T00:00:00.000Z', 'ord_x']),
      b64(['2026-03-02', 'ord_x']),
      b64(['2026-03-02T10:00:00.000Z', 'ord\u0000x']),
      b64(['2026-03-02T10:00:00.000Z', 42]),
      b64(['2026-03-02T10:00:00.000Z']),
      b64({ at: '2026-03-02T10:00:00.000Z', id: 'x' }),
      b64('not json'),
      'a'.repeat(401),
      '%%%',
      '',
    ]) {
      expect(decodeKeysetCursor(crafted), crafted).toBeNull();
    }
  });
});
