import { storedDocumentNames } from '../helpers/document-bytes.ts';
import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import exifr from 'exifr';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { documents } from '../../src/documents/documents.tables.ts';
import { advanceClock, isBlack, multipartBody, phonePhoto, pixels, plainImage, pngBomb, signedInBuyer, upload } from './documents-fixtures.ts';

const IMAGE_MAGIC = [Buffer.from([0xff, 0xd8, 0xff]), Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from('RIFF'), Buffer.from('ftyp')];

describe.each(DATABASE_KINDS)('identity document upload (%s)', (kind) => {
  let t: TestApp;
  let buyer: { client: Client; userId: string };
  beforeEach(async () => {
    t = await createTestApp(kind);
    buyer = await signedInBuyer(t, 'doc.buyer@example.com');
  });
  afterEach(() => t.close());

  it('drops GPS, camera EXIF and every other metadata block', async () => {
    const photo = await phonePhoto();
    const before = await exifr.parse(photo, true);
    expect(before).toMatchObject({ Make: 'Apple', Model: 'iPhone 15 Pro' });
    expect(before.latitude).toBeCloseTo(31.218, 2);

    const response = await upload(buyer.client, photo);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ documentId: expect.stringMatching(/^doc_/), kind: 'id_front', width: 640, height: 480 });

    const preview = await buyer.client.get(`/api/cancellation/documents/${response.json().documentId}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('image/jpeg');
    const after = preview.rawPayload;
    expect(await exifr.parse(after, true).catch(() => undefined)).toBeUndefined();
    expect(await exifr.gps(after).catch(() => undefined)).toBeUndefined();
    const meta = await sharp(after).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(after.includes(Buffer.from('iPhone'))).toBe(false);
  });

  it('paints redactions solid where the buyer saw them on a rotated (orientation 6) photo', async () => {
    // Stored 600 × 300 landscape, shown upright as 300 × 600 portrait.
    const photo = await plainImage(600, 300, 'jpeg', 6);
    const response = await upload(buyer.client, photo, { redactions: [{ x: 40, y: 100, width: 120, height: 200 }] });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ width: 300, height: 600 });
    const image = await pixels((await buyer.client.get(`/api/cancellation/documents/${response.json().documentId}`)).rawPayload);
    expect([image.width, image.height]).toEqual([300, 600]);
    for (const [x, y] of [[42, 102], [100, 200], [157, 297], [60, 280]]) expect(isBlack(image.at(x, y))).toBe(true);
    for (const [x, y] of [[30, 200], [170, 200], [100, 90], [100, 310], [250, 50], [200, 100]]) expect(isBlack(image.at(x, y))).toBe(false);
  });

  it('redacts at full resolution before downscaling large photos to 2400 px', async () => {
    const photo = await plainImage(3000, 1500, 'jpeg', 6);
    const response = await upload(buyer.client, photo, { redactions: [{ x: 300, y: 600, width: 600, height: 900 }] });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ width: 1200, height: 2400 });
    const image = await pixels((await buyer.client.get(`/api/cancellation/documents/${response.json().documentId}`)).rawPayload);
    // × 0.8: the box becomes x 240..720, y 480..1200.
    for (const [x, y] of [[243, 483], [480, 840], [716, 1196]]) expect(isBlack(image.at(x, y))).toBe(true);
    for (const [x, y] of [[230, 840], [730, 840], [480, 470], [480, 1210]]) expect(isBlack(image.at(x, y))).toBe(false);
  });

  it('accepts PNG and WebP and re-encodes them', async () => {
    for (const format of ['png', 'webp'] as const) {
      const response = await upload(buyer.client, await plainImage(120, 80, format), { kind: 'other' });
      expect(response.statusCode).toBe(201);
      const preview = await buyer.client.get(`/api/cancellation/documents/${response.json().documentId}`);
      expect((await sharp(preview.rawPayload).metadata()).format).toBe('jpeg');
    }
  });

  it('refuses hostile and unreadable files with the right code', async () => {
    const jpeg = await plainImage(200, 100);
    const cases: Array<[string, Buffer, number, string, string?]> = [
      ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'), 415, 'UNSUPPORTED_FILE', 'image/svg+xml'],
      ['html', Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>'), 415, 'UNSUPPORTED_FILE', 'text/html'],
      ['html declared as jpeg', Buffer.from('<html><img src=x onerror=alert(1)></html>'), 415, 'UNSUPPORTED_FILE', 'image/jpeg'],
      ['zero bytes', Buffer.alloc(0), 422, 'IMAGE_INVALID'],
      ['truncated', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 422, 'IMAGE_INVALID'],
      ['jpeg magic then garbage', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x41)]), 422, 'IMAGE_INVALID'],
      ['50,000 × 50,000 bomb', pngBomb(), 422, 'IMAGE_INVALID', 'image/png'],
      ['11 MB', Buffer.concat([jpeg, Buffer.alloc(11 * 1000 * 1000)]), 413, 'FILE_TOO_LARGE'],
    ];
    for (const [name, data, status, code, contentType] of cases) {
      const response = await upload(buyer.client, data, { contentType });
      expect({ name, status: response.statusCode, code: response.json().error.code }).toEqual({ name, status, code });
      expect(response.body).not.toMatch(/stack|at .*\.ts/);
    }
    const pdf = await upload(buyer.client, Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'), { contentType: 'application/pdf' });
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json().error).toMatchObject({ code: 'UNSUPPORTED_FILE', format: 'pdf' });
    expect(pdf.json().error.message).toMatch(/photo/);
    expect((await buyer.client.get('/api/cancellation/documents')).json().items).toEqual([]);
  });

  it('neutralises a JPEG+HTML polyglot, the declared type and hostile filenames', async () => {
    const polyglot = Buffer.concat([await phonePhoto(200, 100), Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
    const names = ['../../x', '..\\..\\x.jpg', '\u202Egpj.exe', '<script>.jpg', 'ad\u0000a.jpg'];
    const ids: string[] = [];
    for (const [i, filename] of names.entries()) {
      const response = await upload(buyer.client, polyglot, { filename, contentType: i % 2 ? 'text/html' : 'application/x-msdownload' });
      expect(response.statusCode).toBe(201);
      expect(response.body).not.toContain('x.jpg');
      expect(response.body).not.toContain('gpj');
      ids.push(response.json().documentId);
    }
    const served = await buyer.client.get(`/api/cancellation/documents/${ids[0]}`);
    expect(served.rawPayload.includes(Buffer.from('<script'))).toBe(false);
    expect(served.rawPayload.includes(Buffer.from('<html'))).toBe(false);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(served.headers['cache-control']).toBe('no-store');

    // Only random names in the document storage; nothing outside it; no filename in the database.
    const stored = await storedDocumentNames(t.ctx);
    expect(stored).toHaveLength(names.length);
    for (const name of stored) expect(name).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readdirSync(t.dataDir).some((n) => n === 'x' || n.includes('gpj'))).toBe(false);
    const rows = await t.ctx.db.select().from(documents).where(eq(documents.userId, buyer.userId));
    expect(JSON.stringify(rows)).not.toMatch(/x\.jpg|gpj|\.\.\/|script/);
  });

  it('stores only ciphertext, under a key wrapped by the buyer key', async () => {
    const photo = await phonePhoto();
    const response = await upload(buyer.client, photo);
    const [row] = await t.ctx.db.select().from(documents).where(eq(documents.id, response.json().documentId));
    const onDisk = (await t.ctx.documentStorage.read(row.storageName))!;
    expect(onDisk.length).toBe(row.byteSize);
    for (const magic of IMAGE_MAGIC) expect(onDisk.subarray(0, 16).includes(magic)).toBe(false);
    for (const marker of ['JFIF', 'Exif', 'WEBP', 'IHDR', 'Apple']) expect(onDisk.includes(Buffer.from(marker))).toBe(false);
    expect(onDisk.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(row.wrappedKey).toMatch(/^[A-Za-z0-9+/=]{60,}$/);

    // Crypto-shredding the buyer makes the document unreadable at once.
    await t.ctx.keys.destroySubjectKey(buyer.userId);
    const after = await buyer.client.get(`/api/cancellation/documents/${row.id}`);
    expect(after.statusCode).toBe(404);
  });

  it('needs a signed-in buyer and the CSRF token', async () => {
    const photo = await plainImage(50, 50);
    const anonymous = await upload(new Client(t.app), photo);
    expect(anonymous.statusCode).toBe(401);
    const body = multipartBody([{ name: 'kind', value: 'id_front' }, { name: 'file', data: photo, filename: 'a.jpg' }]);
    const forged = await buyer.client.request('POST', '/api/cancellation/documents', body.payload, { 'content-type': body.contentType, 'x-csrf-token': 'forged' });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('CSRF_INVALID');
    const json = await buyer.client.post('/api/cancellation/documents', { kind: 'id_front' });
    expect(json.statusCode).toBe(415);
    const openapi = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toContain('/api/cancellation/documents');
  });

  it('validates kind, redactions and the file part', async () => {
    const photo = await plainImage(100, 100);
    const badKind = await upload(buyer.client, photo, { kind: 'passport_selfie' });
    expect(badKind.json().error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { kind: expect.any(String) } });
    const outside = await upload(buyer.client, photo, { redactions: [{ x: 500, y: 500, width: 10, height: 10 }] });
    expect(outside.json().error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { 'redactions.0': expect.any(String) } });
    const malformed = await upload(buyer.client, photo, { redactions: 'not json' });
    expect(malformed.json().error.code).toBe('VALIDATION_FAILED');
    const body = multipartBody([{ name: 'kind', value: 'id_front' }]);
    const noFile = await buyer.client.request('POST', '/api/cancellation/documents', body.payload, { 'content-type': body.contentType });
    expect(noFile.json().error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { file: expect.any(String) } });
    const twoFiles = multipartBody([
      { name: 'kind', value: 'id_front' },
      { name: 'file', data: photo, filename: 'a.jpg' },
      { name: 'file', data: photo, filename: 'b.jpg' },
    ]);
    const two = await buyer.client.request('POST', '/api/cancellation/documents', twoFiles.payload, { 'content-type': twoFiles.contentType });
    expect(two.statusCode).toBe(422);
  });

  it('keeps another buyer out: the same 404 as for a document that does not exist', async () => {
    const mine = (await upload(buyer.client, await plainImage(100, 100))).json().documentId;
    const other = await signedInBuyer(t, 'other.buyer@example.com');
    const theirs = await other.client.get(`/api/cancellation/documents/${mine}`);
    const missing = await other.client.get('/api/cancellation/documents/doc_doesnotexist');
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).toBe(missing.body);
    expect((await other.client.delete(`/api/cancellation/documents/${mine}`)).statusCode).toBe(404);
    expect((await other.client.get('/api/cancellation/documents')).json().items).toEqual([]);
    // Still there for its owner.
    expect((await buyer.client.get(`/api/cancellation/documents/${mine}`)).statusCode).toBe(200);
  });

  it('allows 6 waiting documents, and a buyer may delete one', async () => {
    const photo = await plainImage(60, 60);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await upload(buyer.client, photo)).json().documentId);
    const seventh = await upload(buyer.client, photo);
    expect(seventh.statusCode).toBe(422);
    expect(seventh.json().error.code).toBe('TOO_MANY_DOCUMENTS');
    expect((await buyer.client.delete(`/api/cancellation/documents/${ids[0]}`)).statusCode).toBe(204);
    expect((await buyer.client.get(`/api/cancellation/documents/${ids[0]}`)).statusCode).toBe(404);
    expect((await upload(buyer.client, photo)).statusCode).toBe(201);
  });

  it('allows 20 upload attempts a day', async () => {
    for (let i = 0; i < 20; i++) expect((await upload(buyer.client, Buffer.alloc(0))).statusCode).toBe(422);
    const limited = await upload(buyer.client, await plainImage(60, 60));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await advanceClock(t, 'PT25H');
    await buyer.client.signIn('doc.buyer@example.com', 'a long enough passphrase');
    expect((await upload(buyer.client, await plainImage(60, 60))).statusCode).toBe(201);
  });
});
