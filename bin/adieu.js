#!/usr/bin/env node
// In production the compiled build (`npm run build` → dist/) runs when it is there, so a deployment
// never compiles TypeScript at start. In development (and without a build) the TypeScript runs
// through tsx: no build step between a checkout and a run, and never a stale build.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
// eslint-disable-next-line no-restricted-properties -- the launcher picks the runtime before any configuration code is loaded
if (process.env.NODE_ENV === 'production' && existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
