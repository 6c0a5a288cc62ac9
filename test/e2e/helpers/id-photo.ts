import sharp from 'sharp';

/**
 * A made-up ID card photo: light background, a name and a long "ID number" in the middle right,
 * where the test covers it. Bright under the mask, so a mask that works shows as black.
 */
export async function makeIdPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="760">
    <rect width="1200" height="760" fill="#f4f1e8"/>
    <rect x="30" y="30" width="1140" height="700" rx="36" fill="#fdfbf5" stroke="#9bb0c9" stroke-width="6"/>
    <rect x="80" y="150" width="300" height="380" fill="#c9d6e6"/>
    <circle cx="230" cy="290" r="90" fill="#8fa6c2"/>
    <text x="440" y="200" font-family="DejaVu Sans, sans-serif" font-size="52" fill="#1b2430">DEMO ID CARD</text>
    <text x="440" y="290" font-family="DejaVu Sans, sans-serif" font-size="44" fill="#1b2430">NAME  ADA LOVELACE</text>
    <text x="650" y="400" font-family="DejaVu Sans Mono, monospace" font-size="36" fill="#1b2430">1101 0119 9001 0112 34</text>
    <text x="440" y="520" font-family="DejaVu Sans, sans-serif" font-size="36" fill="#4f5b6b">ISSUED 2020 · VALID 2030</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
