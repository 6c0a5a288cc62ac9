/**
 * The structure of a store of items (Redis keys, files) as `adieu datamap discover` samples it:
 * items grouped by shape, where each segment that varies from item to item (an id, a date, a
 * number) is a `*`. Pure: no I/O.
 */
export interface DescribedShape {
  /** `cart:*`, `avatars/*` + `/*.png` */
  shape: string;
  /** How many items of the sample have this shape. */
  count: number;
  /** Redis type, or the file extension. */
  type: string;
  /** Sampled values of each `*` segment, in order. */
  segments: string[][];
  /** Sampled values of the items' parts: `field email`, `member`, `value`, `entry field buyer`, `content`. */
  parts: Array<{ label: string; samples: string[] }>;
}

export interface DescribedItems {
  kind: 'keys' | 'files';
  shapes: DescribedShape[];
  /** The walk stopped at its bound before it saw every item. */
  truncated: boolean;
}

/** A segment that names one item rather than a kind of item. */
export function isVariableSegment(segment: string): boolean {
  return /\d/.test(segment) || segment.length >= 16 || segment.includes('@');
}

/** `cart:u_9f…` → `cart:*`; `session:abc123:meta` → `session:*:meta`. */
export function keyShape(key: string): string {
  return key
    .split(':')
    .map((s) => (isVariableSegment(s) ? '*' : s))
    .join(':');
}

/** `avatars/u_9f…/face.png` → `avatars/*` + `/face.png`; `invoices/2025/INV-0001.pdf` → `invoices/*` + `/*.pdf`. */
export function pathShape(path: string): string {
  const parts = path.split('/');
  return parts
    .map((s, i) => {
      if (i < parts.length - 1) return isVariableSegment(s) ? '*' : s;
      const dot = s.lastIndexOf('.');
      const [base, ext] = dot > 0 ? [s.slice(0, dot), s.slice(dot)] : [s, ''];
      return isVariableSegment(base) ? `*${ext}` : s;
    })
    .join('/');
}
