#!/usr/bin/env node
// The compiled build (`npm run build` → dist/) runs when it is there and up to date, so neither a
// deployment nor a developer who built pays for compiling TypeScript at start (about half of the
// start-up time and 70 MiB). Otherwise the TypeScript runs through tsx: no build step between a
// checkout and a run, and never a stale build. NODE_ENV=production runs a finished build as it is.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { COMPILED_MAIN, compiledBuildIsFresh } from './compiled-build.js';

// PGlite's WebAssembly runs first as V8's baseline code, and V8 recompiles its hot functions with
// the optimizing compiler on every background thread it has (4 in Node, whatever the cores). On a
// small machine they took the start-up's own core from it while PostgreSQL started: about 250 ms
// of CPU before the first answer, a quarter of the wall time on a loaded 2-core machine. One
// thread optimizes the same functions, a little later. Set before anything is compiled.
setFlagsFromString('--wasm-num-compilation-tasks=1');

// eslint-disable-next-line no-restricted-properties -- the launcher picks the runtime before any configuration code is loaded
const production = process.env.NODE_ENV === 'production';
if ((production && existsSync(COMPILED_MAIN)) || compiledBuildIsFresh()) {
  await import(COMPILED_MAIN.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
