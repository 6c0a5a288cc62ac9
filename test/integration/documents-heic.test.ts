import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import exifr from 'exifr';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { canDecodeHeic, IMAGE_SLOTS, imageWorkLoad } from '../../src/documents/image-pipeline.ts';
import { liveHeicWorkers } from '../../src/documents/heic-decode.ts';
import { isBlack, pixels, signedInBuyer, upload } from './documents-fixtures.ts';

/**
 * iPhone-style HEIC (see test/fixtures/README.md): HEVC pixels stored 64 × 48 landscape with a blue
 * top-left quadrant, an irot turning them upright to 48 × 64 (blue top-right), and EXIF carrying
 * camera, GPS and Orientation 6, which HEIF readers must not apply on top of irot.
 */
const PHONE_HEIC = readFileSync(new URL('../fixtures/phone.heic', import.meta.url));

const asHeic = { filename: 'IMG_0001.HEIC', contentType: 'image/heic' };
const isBlue = ([r, g, b]: number[]) => b > 170 && r < 90 && g < 110;
const isLight = ([r, g, b]: number[]) => r > 200 && g > 200 && b > 200;

/** The fixture with every `ispe` (image size) property claiming `side` × `side` pixels. */
function claimingSize(side: number): Buffer {
  const bytes = Buffer.from(PHONE_HEIC);
  for (let at = bytes.indexOf('ispe'); at >= 0; at = bytes.indexOf('ispe', at + 4)) {
    bytes.writeUInt32BE(side, at + 8);
    bytes.writeUInt32BE(side, at + 12);
  }
  return bytes;
}

it('the HEIC fixture is HEVC-coded and carries camera and GPS EXIF', async () => {
  const meta = await sharp(PHONE_HEIC).metadata();
  expect(meta).toMatchObject({ format: 'heif', compression: 'hevc' });
  const exif = await exifr.parse(meta.exif!, { tiff: true, gps: true });
  expect(exif).toMatchObject({ Make: 'Apple', Model: 'iPhone 15 Pro', Orientation: 'Rotate 90 CW' });
  expect(exif.latitude).toBeCloseTo(31.218, 2);
});

describe.each(DATABASE_KINDS)('HEIC identity documents (%s)', (kind) => {
  let t: TestApp;
  let buyer: Awaited<ReturnType<typeof signedInBuyer>>;
  beforeEach(async () => {
    t = await createTestApp(kind);
    buyer = await signedInBuyer(t, 'heic.buyer@example.com');
  });
  afterEach(() => t.close());

  it('accepts an iPhone HEIC and stores an upright JPEG without any metadata', async () => {
    const response = await upload(buyer.client, PHONE_HEIC, asHeic);
    expect(response.statusCode).toBe(201);
    // irot applied once; the EXIF Orientation 6 not applied again (that would give 64 × 48).
    expect(response.json()).toEqual({ documentId: expect.stringMatching(/^doc_/), kind: 'id_front', width: 48, height: 64 });

    const preview = await buyer.client.get(`/api/cancellation/documents/${response.json().documentId}`);
    expect(preview.headers['content-type']).toBe('image/jpeg');
    const after = preview.rawPayload;
    const meta = await sharp(after).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 48, height: 64, space: 'srgb' });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(await exifr.parse(after, true).catch(() => undefined)).toBeUndefined();
    expect(await exifr.gps(after).catch(() => undefined)).toBeUndefined();
    expect(after.includes(Buffer.from('iPhone'))).toBe(false);

    const image = await pixels(after);
    expect(isBlue(image.at(36, 8))).toBe(true);
    expect(isLight(image.at(8, 8))).toBe(true);
    expect(isLight(image.at(8, 56))).toBe(true);
    expect(isLight(image.at(36, 56))).toBe(true);
    expect(liveHeicWorkers()).toBe(0);
  });

  it('paints redactions where the buyer saw them on the upright HEIC', async () => {
    // The blue quadrant as shown: x 24..48, y 0..32.
    const response = await upload(buyer.client, PHONE_HEIC, { ...asHeic, redactions: [{ x: 24, y: 0, width: 24, height: 32 }] });
    expect(response.statusCode).toBe(201);
    const image = await pixels((await buyer.client.get(`/api/cancellation/documents/${response.json().documentId}`)).rawPayload);
    for (const [x, y] of [[26, 2], [36, 16], [46, 29]]) expect(isBlack(image.at(x, y))).toBe(true);
    for (const [x, y] of [[20, 16], [36, 36], [8, 56]]) expect(isBlack(image.at(x, y))).toBe(false);
    const outside = await upload(buyer.client, PHONE_HEIC, { ...asHeic, redactions: [{ x: 50, y: 0, width: 10, height: 10 }] });
    expect(outside.json().error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { 'redactions.0': expect.any(String) } });
  });

  it('refuses truncated, broken and oversized HEIC with 422 IMAGE_INVALID', async () => {
    const ftypOnly = Buffer.alloc(64);
    ftypOnly.writeUInt32BE(24, 0);
    ftypOnly.write('ftypheic', 4, 'latin1');
    ftypOnly.write('mif1heic', 16, 'latin1');
    const cases: Array<[string, Buffer]> = [
      ['truncated in the pixels', PHONE_HEIC.subarray(0, PHONE_HEIC.indexOf('mdat') + 100)],
      ['truncated in the header', PHONE_HEIC.subarray(0, 400)],
      ['a HEIC brand and nothing else', ftypOnly],
    ];
    for (const [name, data] of cases) {
      const response = await upload(buyer.client, data, asHeic);
      expect({ name, status: response.statusCode, code: response.json().error.code }).toEqual({ name, status: 422, code: 'IMAGE_INVALID' });
    }
    // The header claims 50,000 × 50,000: refused from the header, before any pixel is decoded.
    const bomb = await upload(buyer.client, claimingSize(50_000), asHeic);
    expect(bomb.statusCode).toBe(422);
    expect(bomb.json().error).toMatchObject({ code: 'IMAGE_INVALID', message: expect.stringMatching(/too many pixels/) });
    expect((await buyer.client.get('/api/cancellation/documents')).json().items).toEqual([]);
    expect(liveHeicWorkers()).toBe(0);
  });

  it.runIf(!canDecodeHeic())('decodes concurrent HEIC uploads in workers inside the image slots, leaving none behind', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => upload(buyer.client, PHONE_HEIC, asHeic)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(5).fill(201));
    expect(imageWorkLoad().peak).toBeLessThanOrEqual(IMAGE_SLOTS);
    expect(imageWorkLoad()).toMatchObject({ inUse: 0, queued: 0 });
    expect(liveHeicWorkers()).toBe(0);
  });
});
