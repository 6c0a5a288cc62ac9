/**
 * What a file is, decided from its first bytes only — never from its name or declared Content-Type.
 * Pure: no I/O.
 */
export type SniffedType =
  | { kind: 'image'; format: 'jpeg' | 'png' | 'webp' }
  /** HEIF container: `heic` (HEVC-coded, iPhone), `avif` (AV1-coded), `heif` (generic brand, codec unknown until parsed). */
  | { kind: 'image'; format: 'heic' | 'avif' | 'heif' }
  | { kind: 'pdf' }
  | { kind: 'empty' }
  | { kind: 'unknown' };

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const AV1_BRANDS = new Set(['avif', 'avis']);
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

/** The brands of an ISO-BMFF `ftyp` box at the start of the file, or null when there is none. */
export function ftypBrands(bytes: Buffer): string[] | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const size = bytes.readUInt32BE(0);
  if (size < 16 || size > 4096) return null;
  const end = Math.min(size, bytes.length);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands;
}

export function sniffType(bytes: Buffer): SniffedType {
  if (bytes.length === 0) return { kind: 'empty' };
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { kind: 'image', format: 'jpeg' };
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_MAGIC)) return { kind: 'image', format: 'png' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { kind: 'image', format: 'webp' };
  if (bytes.length >= 5 && ascii(bytes, 0, 5) === '%PDF-') return { kind: 'pdf' };
  const brands = ftypBrands(bytes);
  if (brands) {
    if (brands.some((b) => HEVC_BRANDS.has(b))) return { kind: 'image', format: 'heic' };
    if (brands.some((b) => AV1_BRANDS.has(b))) return { kind: 'image', format: 'avif' };
    if (brands.some((b) => GENERIC_HEIF_BRANDS.has(b))) return { kind: 'image', format: 'heif' };
  }
  return { kind: 'unknown' };
}
