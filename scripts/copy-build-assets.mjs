// `npm run build`: what the compiled JavaScript reads beside itself (migrations, message texts, the
// HEIC worker) is copied from src/ to dist/ at the same relative place.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = new URL('../src/', import.meta.url).pathname;
const DIST = new URL(`../${process.argv[2] ?? 'dist'}/`, import.meta.url).pathname;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!name.endsWith('.ts')) cpSync(path, join(DIST, relative(SRC, path)));
  }
}
walk(SRC);
