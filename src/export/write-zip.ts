import { crc32, deflateRawSync } from 'node:zlib';
import type { ZipInputFile } from 'fflate';
import { lazyModule } from '../lazy-module.ts';
import { DEFLATE_LEVEL } from './export-files.ts';

// Loaded by the first export, not by every start (~20 ms).
const fflate = lazyModule<typeof import('fflate')>('fflate');

/** One ZIP entry whose data is already as the ZIP holds it: deflated (raw) or stored. */
export interface ZipEntry {
  path: string;
  /** Size and CRC-32 of the plaintext. */
  size: number;
  crc32: number;
  deflated: boolean;
  data: () => AsyncIterable<Uint8Array>;
}

/** A small file held in memory, deflated here. */
export function bufferEntry(path: string, plaintext: Buffer): ZipEntry {
  const deflated = deflateRawSync(plaintext, { level: DEFLATE_LEVEL });
  return { path, size: plaintext.length, crc32: crc32(plaintext), deflated: true, data: async function* () { yield deflated; } };
}

/** Without ZIP64 (fflate writes none), sizes and offsets are 32-bit. */
const ZIP32_LIMIT = 0xffffffff;

/**
 * Writes a ZIP of entries whose data was compressed when it was written (the parts are deflated
 * as the rows stream in), so nothing is compressed twice: fflate writes the headers, the central
 * directory and a data descriptor per entry around bytes copied as they are. One chunk at a time
 * in memory: `write` is awaited before the next chunk is read.
 */
export async function writeZip(entries: Iterable<ZipEntry>, write: (chunk: Buffer) => Promise<void>, mtime: Date): Promise<void> {
  const { Zip } = fflate();
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  let written = 0;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else pending.push(chunk);
  });
  const flush = async () => {
    if (failure) throw failure;
    for (const chunk of pending.splice(0)) {
      written += chunk.length;
      if (written >= ZIP32_LIMIT) throw new Error('export larger than 4 GiB: ZIP64 is not supported');
      await write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  };
  for (const entry of entries) {
    if (entry.size >= ZIP32_LIMIT) throw new Error('export file larger than 4 GiB: ZIP64 is not supported');
    const file: ZipInputFile = { filename: entry.path, size: entry.size, crc: entry.crc32, compression: entry.deflated ? 8 : 0, mtime };
    zip.add(file);
    for await (const chunk of entry.data()) {
      if (chunk.length === 0) continue;
      file.ondata!(null, chunk as Uint8Array<ArrayBuffer>, false);
      await flush();
    }
    file.ondata!(null, new Uint8Array(0), true);
    await flush();
  }
  zip.end();
  await flush();
}
