import { z } from 'zod';

/**
 * Redaction rectangles drawn by the buyer, in pixels of the auto-oriented image (what they saw).
 * Pure: no I/O.
 */
export const MAX_REDACTIONS = 32;

const coordinate = z.number().finite().min(-1_000_000).max(1_000_000);
export const redactionSchema = z
  .object({ x: coordinate, y: coordinate, width: z.number().finite().positive().max(1_000_000), height: z.number().finite().positive().max(1_000_000) })
  .strict();
export const redactionsSchema = z.array(redactionSchema).max(MAX_REDACTIONS);

export type Redaction = z.infer<typeof redactionSchema>;
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type ClampResult = { ok: true; boxes: PixelBox[] } | { ok: false; index: number };

/**
 * Clamps each rectangle to the image, rounding outwards so that a fractional edge never leaves a
 * sliver uncovered. A rectangle entirely outside the image is refused rather than dropped: the buyer
 * meant to hide something, and silently hiding nothing would be the worst outcome.
 */
export function clampRedactions(redactions: Redaction[], imageWidth: number, imageHeight: number): ClampResult {
  const boxes: PixelBox[] = [];
  for (const [index, r] of redactions.entries()) {
    const left = Math.max(0, Math.floor(r.x));
    const top = Math.max(0, Math.floor(r.y));
    const right = Math.min(imageWidth, Math.ceil(r.x + r.width));
    const bottom = Math.min(imageHeight, Math.ceil(r.y + r.height));
    if (right <= left || bottom <= top) return { ok: false, index };
    boxes.push({ left, top, width: right - left, height: bottom - top });
  }
  return { ok: true, boxes };
}

/** Width and height after EXIF auto-orientation (orientations 5–8 swap the axes). */
export function orientedSize(width: number, height: number, orientation: number | undefined): { width: number; height: number } {
  return orientation !== undefined && orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}
