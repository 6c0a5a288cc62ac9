import zlib from 'node:zlib';
import sharp from 'sharp';
import { Client, type TestApp } from '../helpers/test-app.ts';

/** Real images and hostile files, made in the test. */

export type FormPart = { name: string; value: string } | { name: string; data: Buffer; filename?: string; contentType?: string };

/** A multipart/form-data body built by hand, so tests control every byte (filenames, types). */
export function multipartBody(parts: FormPart[]): { payload: Buffer; contentType: string } {
  const boundary = `----adieu${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('value' in part) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    } else {
      const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"${filename}\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`, 'utf8'));
      chunks.push(part.data, Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(
  client: Client,
  data: Buffer,
  options: { kind?: string; redactions?: unknown; filename?: string; contentType?: string } = {},
) {
  const parts: FormPart[] = [{ name: 'kind', value: options.kind ?? 'id_front' }];
  if (options.redactions !== undefined) parts.push({ name: 'redactions', value: JSON.stringify(options.redactions) });
  parts.push({ name: 'file', data, filename: options.filename ?? 'photo.jpg', contentType: options.contentType ?? 'image/jpeg' });
  const body = multipartBody(parts);
  return client.request('POST', '/api/cancellation/documents', body.payload, { 'content-type': body.contentType });
}

/** A JPEG as a phone writes it: camera make and model, GPS position, a capture date. */
export function phonePhoto(width = 640, height = 480, orientation?: number): Promise<Buffer> {
  let image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 180, b: 90 } } }).jpeg({ quality: 90 });
  image = image.withExif({
    IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro', Software: '17.4', DateTime: '2026:03:01 10:20:30' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 13/1 5/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 30/1' },
  });
  if (orientation) image = image.withMetadata({ orientation });
  return image.toBuffer();
}

/** A plain light image without metadata, optionally carrying an EXIF orientation. */
export function plainImage(width: number, height: number, format: 'jpeg' | 'png' | 'webp' = 'jpeg', orientation?: number): Promise<Buffer> {
  let image = sharp({ create: { width, height, channels: 3, background: { r: 240, g: 240, b: 240 } } })[format]();
  if (orientation) image = image.withMetadata({ orientation });
  return image.toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A tiny PNG whose header claims 50,000 × 50,000 pixels (7.5 GB decoded). */
export function pngBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(50_000, 0);
  header.writeUInt32BE(50_000, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64 * 1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Pixel reader for a decoded image. */
export async function pixels(image: Buffer) {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (y * info.width + x) * info.channels;
    return [data[i], data[i + 1], data[i + 2]];
  };
  return { width: info.width, height: info.height, at };
}

export const isBlack = ([r, g, b]: number[]) => r <= 12 && g <= 12 && b <= 12;

export async function signedInBuyer(t: TestApp, email: string): Promise<{ client: Client; userId: string }> {
  const client = new Client(t.app);
  const signup = await client.post('/api/auth/signup', { email, password: 'a long enough passphrase', displayName: 'Test Buyer' });
  if (signup.statusCode !== 201) throw new Error(`signup failed: ${signup.body}`);
  await client.signIn(email, 'a long enough passphrase');
  return { client, userId: signup.json().userId };
}

/** Moves the service clock through the dev tools, as an operator would. */
export async function advanceClock(t: TestApp, duration: string): Promise<void> {
  const response = await t.app.inject({ method: 'POST', url: '/api/dev/clock', payload: { advance: duration } });
  if (response.statusCode !== 200) throw new Error(`clock: ${response.body}`);
}
