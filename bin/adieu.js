#!/usr/bin/env node
// The compiled build (`npm run build` → dist/) runs when it is there and up to date, so neither a
// deployment nor a developer who built pays for compiling TypeScript at start (about half of the
// start-up time and 70 MiB). Otherwise the TypeScript runs through tsx: no build step between a
// checkout and a run, and never a stale build. NODE_ENV=production runs a finished build as it is.
import { existsSync } from 'node:fs';
import { COMPILED_MAIN, compiledBuildIsFresh } from './compiled-build.js';

// eslint-disable-next-line no-restricted-properties -- the launcher picks the runtime before any configuration code is loaded
const production = process.env.NODE_ENV === 'production';
if ((production && existsSync(COMPILED_MAIN)) || compiledBuildIsFresh()) {
  await import(COMPILED_MAIN.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
