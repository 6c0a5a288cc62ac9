import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { IMAGE_SLOTS, imageWorkLoad, MAX_INPUT_PIXELS } from '../../src/documents/image-pipeline.ts';
import { MAX_FILE_BYTES, MAX_PENDING_DOCUMENTS } from '../../src/documents/upload-limits.ts';
import { multipartBody, signedInBuyer } from './documents-fixtures.ts';

const MB = 1024 * 1024;
const UPLOADS = 20;
const BUYERS = 4;
// 12 MP of noise at quality 95 is about 0.85 bytes a pixel: just under the 10 MB cap, and noise
// defeats any shortcut a decoder could take on flat areas.
const WIDTH = 4000;
const HEIGHT = 3000;
const DECODED_BYTES = WIDTH * HEIGHT * 3;

describe.each(DATABASE_KINDS)('identity document memory under load (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  it('keeps memory bounded through 20 concurrent uploads of the largest allowed photos', async () => {
    const photo = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg({ quality: 95 })
      .toBuffer();
    expect(photo.length).toBeGreaterThan(9 * MB);
    expect(photo.length).toBeLessThan(MAX_FILE_BYTES);
    expect(WIDTH * HEIGHT).toBeLessThanOrEqual(MAX_INPUT_PIXELS);

    // A buyer may hold 6 waiting documents and make 20 attempts a day: 4 buyers × 5 uploads fit both.
    expect(UPLOADS / BUYERS).toBeLessThanOrEqual(MAX_PENDING_DOCUMENTS);
    const buyers = await Promise.all(Array.from({ length: BUYERS }, (_, i) => signedInBuyer(t, `load${i}@example.com`)));
    // Request bodies are built before the baseline: they are the test's memory, not the server's.
    // A redaction box makes each image the costliest kind: decoded and painted at full resolution
    // (a plain JPEG would be shrunk while decoding and never exist at full size).
    const bodies = Array.from({ length: UPLOADS }, () =>
      multipartBody([
        { name: 'kind', value: 'id_front' },
        { name: 'redactions', value: JSON.stringify([{ x: 100, y: 100, width: 800, height: 500 }]) },
        { name: 'file', data: photo, filename: 'IMG_0001.JPG', contentType: 'image/jpeg' },
      ]),
    );

    const baseline = process.memoryUsage().rss;
    let highest = baseline;
    const sampler = setInterval(() => {
      highest = Math.max(highest, process.memoryUsage().rss);
    }, 5);
    let responses;
    try {
      responses = await Promise.all(
        bodies.map((body, i) =>
          buyers[i % BUYERS].client.request('POST', '/api/cancellation/documents', body.payload, { 'content-type': body.contentType }),
        ),
      );
    } finally {
      clearInterval(sampler);
    }
    highest = Math.max(highest, process.memoryUsage().rss);

    expect(responses.map((r) => r.statusCode)).toEqual(Array(UPLOADS).fill(201));
    expect(responses[0].json()).toMatchObject({ width: 2400, height: 1800 });
    // However many arrive, no more than IMAGE_SLOTS images are decoded at once, and none is left.
    expect(imageWorkLoad().peak).toBe(IMAGE_SLOTS);
    expect(imageWorkLoad()).toMatchObject({ inUse: 0, queued: 0 });

    // What the server may hold at once: every upload buffered twice (multipart chunks, then the
    // concatenated file), IMAGE_SLOTS images decoded with up to 4 full-size copies each (decode,
    // flatten and paint, raw result, resize), and 256 MB for allocator slack, garbage not yet
    // collected and libvips' thread buffers: about 920 MB. When written, this run grew by about
    // 520 MB, and by about 1.2 GB with the slots lifted to 20, which this bound refuses.
    const bound = 2 * UPLOADS * photo.length + IMAGE_SLOTS * 4 * DECODED_BYTES + 256 * MB;
    const growth = highest - baseline;
    expect(growth, `RSS grew by ${Math.round(growth / MB)} MB (bound ${Math.round(bound / MB)} MB)`).toBeLessThan(bound);
  });
});
