import { createRequire } from 'node:module';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { AppError } from '../errors.ts';
import type { SniffedType } from './image-type.ts';
import { clampRedactions, orientedSize, type PixelBox, type Redaction } from './redactions.ts';
import { Slots } from '../concurrency/slots.ts';
import { decodeHeic } from './heic-decode.ts';

/** Decompression-bomb guard, checked from the header before any pixel is decoded (50 MP phones fit). */
export const MAX_INPUT_PIXELS = 50_000_000;
/** Longest edge of the stored image: enough to read an ID card, no more. */
export const MAX_OUTPUT_EDGE = 2400;
export const OUTPUT_MEDIA_TYPE = 'image/jpeg';

/**
 * At most this many images are decoded at once in this process. With libvips on one thread per
 * image and its cache off, peak memory is about slots × (largest decoded image), independent of how
 * many uploads are waiting.
 */
export const IMAGE_SLOTS = 2;
const pipelineSlots = new Slots(IMAGE_SLOTS);

/** How busy image work is in this process: slots in use, uploads waiting, the most ever in use. */
export const imageWorkLoad = () => ({ inUse: pipelineSlots.inUse, queued: pipelineSlots.queued, peak: pipelineSlots.peak });
const requireModule = createRequire(import.meta.url);
type SharpFunction = typeof import('sharp').default;
let loaded: SharpFunction | null = null;

/** sharp and libvips, loaded with the first image rather than at start-up (a good part of a second). */
export function sharpLib(): SharpFunction {
  if (loaded) return loaded;
  const sharp = requireModule('sharp') as SharpFunction;
  sharp.concurrency(1);
  // The operation cache would keep decoded ID photos in memory after the request.
  sharp.cache(false);
  return (loaded = sharp);
}

/** Options for every decode of untrusted input. */
const inputOptions: SharpOptions = {
  limitInputPixels: MAX_INPUT_PIXELS,
  // Abort on any decoder warning: a truncated JPEG is refused instead of stored half grey.
  failOn: 'warning',
  // The first frame only (animated WebP, multi-image HEIF).
  pages: 1,
};

/**
 * Whether this libvips can decode HEVC-coded HEIF (iPhone HEIC). sharp's prebuilt binaries cannot
 * (AV1/AVIF only); HEIC then goes through libheif in WebAssembly (`heic-decode.ts`).
 */
export function canDecodeHeic(): boolean {
  const suffixes = (sharpLib().format.heif?.input as { fileSuffix?: string[] } | undefined)?.fileSuffix ?? [];
  return suffixes.includes('.heic');
}

const invalid = (message?: string) => new AppError('IMAGE_INVALID', {}, message ? { message } : {});
const tooManyPixels = () =>
  invalid(`The image has too many pixels (at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels). Take or export a smaller photo.`);
const outsideImage = (index: number) => new AppError('VALIDATION_FAILED', { fields: { [`redactions.${index}`]: 'this rectangle lies outside the image' } });

export interface CleanImage {
  data: Buffer;
  width: number;
  height: number;
  mediaType: string;
}

const SHARP_FORMAT: Record<string, string[]> = {
  jpeg: ['jpeg'],
  png: ['png'],
  webp: ['webp'],
  heic: ['heif'],
  avif: ['heif'],
  heif: ['heif'],
};

/**
 * Turns an uploaded photo into a clean one: auto-oriented first (so rectangles mean what the buyer
 * saw), redaction rectangles painted solid black at full resolution, then downscaled and re-encoded
 * as baseline sRGB JPEG. Re-encoding keeps pixels only: EXIF (GPS, camera, maker notes, thumbnail),
 * XMP, IPTC, comments, ICC profiles and anything appended after the image (polyglots) are dropped.
 */
export async function cleanImage(input: Buffer, type: SniffedType & { kind: 'image' }, redactions: Redaction[]): Promise<CleanImage> {
  // HEVC that this libvips cannot decode is not handed to it at all, not even for its header.
  if (type.format === 'heic' && !canDecodeHeic()) return cleanHeicInWorker(input, redactions);

  let meta: Metadata;
  try {
    // Reads the header only; the pixel limit already applies here.
    meta = await sharpLib()(input, inputOptions).metadata();
  } catch (error) {
    throw /pixel limit/i.test((error as Error).message) ? tooManyPixels() : invalid();
  }
  // The container must agree with the magic bytes (a JPEG header glued onto something else does not pass).
  if (!SHARP_FORMAT[type.format].includes(meta.format)) throw invalid();
  // A generic HEIF brand says nothing of the codec: the header does.
  if (meta.format === 'heif' && meta.compression === 'hevc' && !canDecodeHeic()) return cleanHeicInWorker(input, redactions);
  if (!meta.width || !meta.height) throw invalid();
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw tooManyPixels();

  const oriented = orientedSize(meta.width, meta.height, meta.orientation);
  const clamped = clampRedactions(redactions, oriented.width, oriented.height);
  if (!clamped.ok) throw outsideImage(clamped.index);

  return pipelineSlots.run(async () => {
    try {
      return await redactThenShrink(sharpLib()(input, inputOptions).autoOrient(), clamped.boxes);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw invalid();
    }
  });
}

/**
 * HEIC through libheif in WebAssembly, in a worker, inside an image slot. libheif applies the file's
 * irot/imir when decoding, as iPhone and every HEIF viewer do, so the pixels are already what the
 * buyer saw; the EXIF Orientation an iPhone also writes is never applied on top (raw pixels carry no
 * EXIF). Colours are taken as sRGB: a Display P3 profile is dropped, a slight shift an ID check
 * does not mind.
 */
function cleanHeicInWorker(input: Buffer, redactions: Redaction[]): Promise<CleanImage> {
  return pipelineSlots.run(async () => {
    const decoded = await decodeHeic(input, MAX_INPUT_PIXELS);
    if (!decoded.ok) throw decoded.reason === 'too-many-pixels' ? tooManyPixels() : invalid();
    const { width, height, rgba } = decoded;
    try {
      const clamped = clampRedactions(redactions, width, height);
      if (!clamped.ok) throw outsideImage(clamped.index);
      return await redactThenShrink(sharpLib()(rgba, { raw: { width, height, channels: 4 } }), clamped.boxes);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw invalid();
    } finally {
      rgba.fill(0);
    }
  });
}

/** Flattens transparency onto white: hidden colour under fully transparent pixels goes too. */
const toOpaqueSrgb = (image: Sharp) => image.flatten({ background: '#ffffff' }).toColourspace('srgb');

async function shrink(image: Sharp): Promise<CleanImage> {
  const { data, info } = await toOpaqueSrgb(image)
    .resize({ width: MAX_OUTPUT_EDGE, height: MAX_OUTPUT_EDGE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, mediaType: OUTPUT_MEDIA_TYPE };
}

/**
 * `image` is upright (what the buyer saw). With boxes, two passes so that the black boxes are painted
 * before any resampling: a resize kernel would otherwise blend pixels from under a box into its border.
 */
async function redactThenShrink(image: Sharp, boxes: PixelBox[]): Promise<CleanImage> {
  if (boxes.length === 0) return shrink(image);
  const painted = await toOpaqueSrgb(image)
    .composite(
      boxes.map((box) => ({
        input: { create: { width: box.width, height: box.height, channels: 3 as const, background: { r: 0, g: 0, b: 0 } } },
        left: box.left,
        top: box.top,
      })),
    )
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = painted.info;
  return shrink(sharpLib()(painted.data, { raw: { width, height, channels } }));
}

/** Runs image work (watermarking a view) under the same memory bound as uploads. */
export function withImageSlot<T>(work: () => Promise<T>): Promise<T> {
  return pipelineSlots.run(work);
}
