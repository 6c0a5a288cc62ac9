import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the web UI from the current sources, so the browser tests never run a stale bundle. */
export default async function setup() {
  await build({ configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
