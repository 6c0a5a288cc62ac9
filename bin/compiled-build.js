// Whether the compiled build (`npm run build` → dist/) may run instead of the TypeScript sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(root, 'src');
const STARTED = join(root, 'dist', '.build-started');
const COMPLETE = join(root, 'dist', '.build-complete');
export const COMPILED_MAIN = new URL('../dist/cli/main.js', import.meta.url);

function newestChange(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * A finished build that no source file (nor asset) has changed since it started: running it is
 * running the sources, without compiling ~900 modules on every start. With no src/ (a deployment
 * that ships only dist/) a finished build is all there is.
 */
export function compiledBuildIsFresh() {
  if (!existsSync(COMPLETE) || !existsSync(fileURLToPath(COMPILED_MAIN))) return false;
  if (!existsSync(SRC)) return true;
  return newestChange(SRC) < statSync(STARTED).mtimeMs;
}
