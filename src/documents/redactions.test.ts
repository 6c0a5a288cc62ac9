import { describe, expect, it } from 'vitest';
import { clampRedactions, orientedSize, redactionsSchema } from './redactions.ts';

describe('redaction rectangles', () => {
  it('round outwards and clamp to the image', () => {
    expect(clampRedactions([{ x: 10.6, y: 5.2, width: 20.1, height: 10 }], 100, 50)).toEqual({
      ok: true,
      boxes: [{ left: 10, top: 5, width: 21, height: 11 }],
    });
    expect(clampRedactions([{ x: -20, y: 40, width: 200, height: 30 }], 100, 50)).toEqual({
      ok: true,
      boxes: [{ left: 0, top: 40, width: 100, height: 10 }],
    });
  });

  it('refuse a rectangle entirely outside the image instead of hiding nothing', () => {
    expect(clampRedactions([{ x: 0, y: 0, width: 5, height: 5 }, { x: 200, y: 0, width: 5, height: 5 }], 100, 50)).toEqual({ ok: false, index: 1 });
  });

  it('validate shape and count', () => {
    expect(redactionsSchema.safeParse([{ x: 0, y: 0, width: 0, height: 5 }]).success).toBe(false);
    expect(redactionsSchema.safeParse([{ x: 0, y: 0, width: 1, height: 5, extra: 1 }]).success).toBe(false);
    expect(redactionsSchema.safeParse(Array.from({ length: 33 }, () => ({ x: 0, y: 0, width: 1, height: 1 }))).success).toBe(false);
    expect(redactionsSchema.safeParse([{ x: '1', y: 0, width: 1, height: 1 }]).success).toBe(false);
  });

  it('swap the axes for EXIF orientations 5 to 8', () => {
    expect(orientedSize(400, 200, 6)).toEqual({ width: 200, height: 400 });
    expect(orientedSize(400, 200, 3)).toEqual({ width: 400, height: 200 });
    expect(orientedSize(400, 200, undefined)).toEqual({ width: 400, height: 200 });
  });
});
