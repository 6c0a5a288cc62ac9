import { Worker } from 'node:worker_threads';

/**
 * HEVC-coded HEIF (iPhone HEIC) decoded by libheif compiled to WebAssembly (`libheif-js`), for
 * when the installed libvips cannot (sharp's prebuilt binaries ship no HEVC decoder).
 *
 * Each decode runs in its own worker thread: seconds of WebAssembly would otherwise stall every
 * request of this process, and a WebAssembly heap never shrinks, so a thread that ends after one
 * image gives all its memory back. Callers hold an image slot meanwhile, so at most that many
 * workers exist at once.
 */
export type HeicDecodeResult =
  | { ok: true; width: number; height: number; rgba: Buffer }
  | { ok: false; reason: 'too-many-pixels' | 'invalid' };

type WorkerReply = { ok: true; width: number; height: number; data: ArrayBuffer } | { ok: false; reason: 'too-many-pixels' | 'invalid' };

const WORKER_URL = new URL('./heic-worker.js', import.meta.url);

let live = 0;
/** Decode workers alive now (at most the image slots; 0 when idle), for tests and metrics. */
export const liveHeicWorkers = () => live;

/** Far beyond a real decode (a 50 MP photo takes seconds): a worker past it is stuck on hostile input. */
export const HEIC_DECODE_TIMEOUT_MS = 120_000;

/**
 * Decodes the primary image to RGBA with the file's rotation and mirroring applied, refusing it from
 * the header alone when it has more than `maxPixels`. Whatever the input does (bad data, a crash of
 * the WebAssembly code, a decode that never ends), the answer is `invalid`, never an exception.
 */
export async function decodeHeic(input: Buffer, maxPixels: number): Promise<HeicDecodeResult> {
  // stdout/stderr are captured and dropped: libheif and the WebAssembly runtime print diagnostics.
  const worker = new Worker(WORKER_URL, { workerData: { bytes: input, maxPixels }, stdout: true, stderr: true });
  live += 1;
  worker.stdout.resume();
  worker.stderr.resume();
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<WorkerReply>((resolve) => {
      const failed = () => resolve({ ok: false, reason: 'invalid' });
      timer = setTimeout(failed, HEIC_DECODE_TIMEOUT_MS);
      worker.once('message', resolve);
      worker.once('error', failed);
      worker.once('exit', failed);
    });
    if (!reply.ok) return reply;
    return { ok: true, width: reply.width, height: reply.height, rgba: Buffer.from(reply.data) };
  } finally {
    clearTimeout(timer);
    // Awaited so that the worker's memory is gone before the caller gives its slot to the next image.
    await worker.terminate();
    live -= 1;
  }
}
