import { sharpLib, withImageSlot } from './image-pipeline.ts';

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An SVG as large as the image, with the label repeated in diagonal rows across all of it (a crop
 * cannot remove it) plus faint diagonal hatching that shows even where no font is installed.
 */
export function watermarkSvg(width: number, height: number, label: string): string {
  const fontSize = Math.max(12, Math.round(Math.min(width, height) / 30));
  const stepX = Math.round(fontSize * label.length * 0.62 + fontSize * 2);
  const stepY = fontSize * 5;
  const span = Math.ceil(Math.hypot(width, height));
  const text = escapeXml(label);
  const rows: string[] = [];
  for (let y = -span; y < span; y += stepY) {
    const offset = (Math.round(y / stepY) % 2) * Math.round(stepX / 2);
    for (let x = -span - offset; x < span; x += stepX) rows.push(`<text x="${x}" y="${y}">${text}</text>`);
  }
  const cx = Math.round(width / 2);
  const cy = Math.round(height / 2);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<defs><pattern id="h" width="${stepY}" height="${stepY}" patternUnits="userSpaceOnUse" patternTransform="rotate(-30)">`,
    `<line x1="0" y1="0" x2="${stepY}" y2="0" stroke="#ff0000" stroke-opacity="0.18" stroke-width="2"/></pattern></defs>`,
    `<rect width="100%" height="100%" fill="url(#h)"/>`,
    `<g transform="translate(${cx} ${cy}) rotate(-30)" font-family="DejaVu Sans, Liberation Sans, Noto Sans, Arial, sans-serif" font-size="${fontSize}"`,
    ` fill="#ffffff" fill-opacity="0.45" stroke="#000000" stroke-opacity="0.35" stroke-width="${Math.max(1, Math.round(fontSize / 16))}">`,
    ...rows,
    '</g></svg>',
  ].join('');
}

/** Stamps the viewer and the time of viewing over the whole image; returns a fresh JPEG without metadata. */
export async function watermarkImage(jpeg: Buffer, label: string): Promise<Buffer> {
  return withImageSlot(async () => {
    const meta = await sharpLib()(jpeg).metadata();
    const overlay = Buffer.from(watermarkSvg(meta.width, meta.height, label));
    return sharpLib()(jpeg).composite([{ input: overlay, top: 0, left: 0 }]).jpeg({ quality: 85 }).toBuffer();
  });
}
