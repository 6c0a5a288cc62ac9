// Decodes one HEVC-coded HEIF photo with libheif compiled to WebAssembly, then exits.
// Plain JavaScript: worker threads are started by Node itself, without tsx's TypeScript loader.
// Input (workerData): { bytes: Uint8Array, maxPixels: number }.
// Output (one message): { ok: true, width, height, data: ArrayBuffer (RGBA, transferred) }
//                    or { ok: false, reason: 'too-many-pixels' | 'invalid' }.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

// libheif-js reports parse failures with console.log; the caller turns every failure into one API
// error, and nothing about an uploaded file belongs in the server's output.
console.log = () => {};

const require = createRequire(import.meta.url);
const libheif = require('libheif-js/wasm-bundle');

const { bytes, maxPixels } = workerData;

/** The primary image (what a viewer shows); a file may hold more top-level images. */
function primaryImage(images) {
  return images.find((image) => libheif.heif_image_handle_is_primary_image(image.handle)) ?? images[0];
}

function displayRgba(image, width, height) {
  return new Promise((resolve, reject) => {
    // libheif applies the file's irot/imir/clap transforms here, as every HEIF viewer does.
    image.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (shown) =>
      shown ? resolve(shown.data) : reject(new Error('decode failed')),
    );
  });
}

async function decode() {
  await libheif.ready;
  const decoder = new libheif.HeifDecoder();
  // Parses the boxes only; nothing is freed by hand because the thread, and its heap, ends after one image.
  const image = primaryImage(decoder.decode(bytes));
  if (!image) return { ok: false, reason: 'invalid' };
  // The size comes from the header: a decompression bomb is refused before any pixel is decoded.
  const width = image.get_width();
  const height = image.get_height();
  if (!(width > 0 && height > 0)) return { ok: false, reason: 'invalid' };
  if (width * height > maxPixels) return { ok: false, reason: 'too-many-pixels' };
  const data = await displayRgba(image, width, height);
  return { ok: true, width, height, data: data.buffer };
}

decode().then(
  (result) => parentPort.postMessage(result, result.ok ? [result.data] : []),
  () => parentPort.postMessage({ ok: false, reason: 'invalid' }),
);
