import type { Redaction } from '../../api/types.ts';

/** Pure geometry of the crop-and-mask tool: rectangles in image pixels. */

export type Rect = Redaction;

/** The rectangle spanned by two corner points, whichever way the pointer was dragged. */
export function rectFromPoints(a: { x: number; y: number }, b: { x: number; y: number }): Rect {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

/** Keeps a rectangle inside the image (and at least 1 px wide and high). */
export function clampRect(r: Rect, width: number, height: number): Rect {
  const x = Math.min(Math.max(0, r.x), width - 1);
  const y = Math.min(Math.max(0, r.y), height - 1);
  return { x, y, width: Math.max(1, Math.min(r.width, width - x)), height: Math.max(1, Math.min(r.height, height - y)) };
}

export const contains = (r: Rect, p: { x: number; y: number }) => p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;

/**
 * The masks as the server must read them: relative to the cropped image, cut to it, rounded
 * outwards (a fractional edge must never leave a sliver uncovered). A mask wholly outside the crop
 * hides nothing that is sent, so it is left out.
 */
export function redactionsForCrop(rects: Rect[], crop: Rect): Redaction[] {
  const out: Redaction[] = [];
  for (const r of rects) {
    const left = Math.max(r.x, crop.x) - crop.x;
    const top = Math.max(r.y, crop.y) - crop.y;
    const right = Math.min(r.x + r.width, crop.x + crop.width) - crop.x;
    const bottom = Math.min(r.y + r.height, crop.y + crop.height) - crop.y;
    if (right <= left || bottom <= top) continue;
    const x = Math.floor(left);
    const y = Math.floor(top);
    out.push({ x, y, width: Math.ceil(right) - x, height: Math.ceil(bottom) - y });
  }
  return out;
}

/** Scale that brings the longer side down to `max` (never up). */
export const fitScale = (width: number, height: number, max: number) => Math.min(1, max / Math.max(width, height));
