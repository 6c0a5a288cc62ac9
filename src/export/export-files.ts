import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, type CipherGCM } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';
import type { AppContext } from '../context.ts';

/**
 * An export's files: `dataDir/exports/<exportId>/`, every one AES-256-GCM under a key derived from
 * the buyer's own key (so destroying that key at erasure makes any copy unreadable), bound to its
 * export and name by the associated data. Layout of a file: `iv (12) | ciphertext | tag (16)`.
 * Nothing of the buyer reaches a file name.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** zlib's default, as `gzip` uses: the ZIP's size for the time it takes. */
export const DEFLATE_LEVEL = 6;
const EXPORT_ID = /^exp_[A-Za-z0-9_-]{22}$/;

export const exportsRoot = (ctx: AppContext): string => join(ctx.config.dataDir, 'exports');

export function exportDir(ctx: AppContext, exportId: string): string {
  // Defence in depth: an id read back from the database never becomes another path.
  if (!EXPORT_ID.test(exportId)) throw new Error('invalid export id');
  return join(exportsRoot(ctx), exportId);
}

/** The file of one finished part (a table's JSON or CSV, a document), by its index. */
export const partFile = (index: number): string => `part-${index}`;
export const ZIP_FILE = 'export.zip';

/** The file key of one export: HKDF of the buyer's key, so it dies with it. Null once that key is gone. */
export async function exportKey(ctx: AppContext, userId: string, exportId: string): Promise<Buffer | null> {
  const subjectKey = await ctx.keys.findSubjectKey(userId).catch(() => null);
  if (!subjectKey) return null;
  return Buffer.from(hkdfSync('sha256', subjectKey, exportId, 'adieu-export-file', 32));
}

const aad = (exportId: string, name: string) => Buffer.from(`export:${exportId}:${name}`);

/** What a sealed file holds: its plaintext's hash, size and CRC-32 (the ZIP's), and whether it is deflated. */
export interface SealedFileSummary {
  sha256: string;
  bytes: number;
  crc32: number;
  deflated: boolean;
}

/**
 * Writes one sealed file as its plaintext streams in, with the plaintext's sha256, size and CRC-32.
 * With `deflate`, the plaintext is deflated (raw, as a ZIP entry holds it) before it is sealed, so
 * the ZIP takes it as is instead of compressing it a second time. It is written under a temporary
 * name, synced and renamed when complete, so a crash never leaves a part that looks finished.
 */
export class SealedFileWriter {
  private readonly hash = createHash('sha256');
  private size = 0;
  private crc = 0;

  private constructor(
    private readonly input: Writable,
    private readonly piped: Promise<void>,
    private readonly out: WriteStream,
    private readonly cipher: CipherGCM,
    private readonly tmpPath: string,
    private readonly path: string,
    private readonly deflated: boolean,
  ) {}

  static async create(ctx: AppContext, exportId: string, name: string, key: Buffer, options: { deflate?: boolean } = {}): Promise<SealedFileWriter> {
    const dir = exportDir(ctx, exportId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, name);
    const tmpPath = `${path}.tmp`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(exportId, name));
    const out = createWriteStream(tmpPath, { flags: 'w', mode: 0o600 });
    out.write(iv);
    const deflate = options.deflate ? createDeflateRaw({ level: DEFLATE_LEVEL }) : null;
    // The tag goes after the ciphertext, so the pipeline leaves `out` open for it.
    const piped = deflate ? pipeline(deflate, cipher, out, { end: false }) : pipeline(cipher, out, { end: false });
    piped.catch(() => undefined); // awaited by close; an abort's error is of no interest
    return new SealedFileWriter(deflate ?? cipher, piped, out, cipher, tmpPath, path, !!deflate);
  }

  /** Waits when the disk (or deflate) is slower than the database: memory holds a chunk or two. */
  async write(chunk: Buffer | string): Promise<void> {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (buf.length === 0) return;
    this.hash.update(buf);
    this.crc = crc32(buf, this.crc);
    this.size += buf.length;
    if (!this.input.write(buf)) await once(this.input, 'drain');
  }

  async close(): Promise<SealedFileSummary> {
    this.input.end();
    await this.piped;
    this.out.end(this.cipher.getAuthTag());
    await finished(this.out);
    const handle = await open(this.tmpPath, 'r');
    await handle.sync().finally(() => handle.close());
    await rename(this.tmpPath, this.path);
    return { sha256: this.hash.digest('hex'), bytes: this.size, crc32: this.crc, deflated: this.deflated };
  }

  /** Gives up: the temporary file goes. */
  async abort(): Promise<void> {
    this.input.destroy();
    this.out.destroy();
    await rm(this.tmpPath, { force: true });
  }
}

/** The plaintext of a sealed file as a stream; a file that fails authentication errors the stream at its end. */
export async function openSealedFile(ctx: AppContext, exportId: string, name: string, key: Buffer): Promise<{ stream: Readable; bytes: number }> {
  const path = join(exportDir(ctx, exportId), name);
  const { size } = await stat(path);
  if (size < IV_BYTES + TAG_BYTES) throw new Error('sealed file too short');
  const handle = await open(path, 'r');
  const iv = Buffer.alloc(IV_BYTES);
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    await handle.read(iv, 0, IV_BYTES, 0);
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await handle.close();
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad(exportId, name));
  decipher.setAuthTag(tag);
  const bytes = size - IV_BYTES - TAG_BYTES;
  if (bytes === 0) {
    decipher.end();
    return { stream: decipher, bytes };
  }
  const source = createReadStream(path, { start: IV_BYTES, end: size - TAG_BYTES - 1 });
  source.on('error', (error) => decipher.destroy(error));
  return { stream: source.pipe(decipher), bytes };
}

/** Removes every file of an export; safe to call twice. */
export async function removeExportFiles(ctx: AppContext, exportId: string): Promise<void> {
  await rm(exportDir(ctx, exportId), { recursive: true, force: true });
}
