import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { openDatabase } from '../db/database.ts';
import { enforceSettingRules } from './enforce-setting-rules.ts';
import { markStartup } from './startup-profile.ts';

/**
 * `adieu serve`: the configuration first, then the database starts opening while the app's
 * modules load (./run-server.ts). PGlite reads its files and compiles its WebAssembly on other
 * threads meanwhile, instead of after the imports.
 */
export async function serveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { demo: { type: 'boolean' }, 'no-worker': { type: 'boolean' }, port: { type: 'string' } },
    strict: true,
  });
  const port = values.port !== undefined ? Number(values.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new Error('--port: expected a port number');
  const config = loadConfig({ flags: { demo: values.demo, port } });
  enforceSettingRules(config);
  markStartup('config');
  // Whenever Node's event loop has nothing left to wait for, Node waits for every task V8 runs on
  // other threads before going on; between start-up steps that was PGlite's WebAssembly being
  // optimized, hundreds of milliseconds with the main thread idle. A timer keeps the loop busy
  // until the server listens (the optimizing goes on beside it).
  const busy = setInterval(() => undefined, 60_000);
  try {
    const opening = openDatabase({ url: config.database.url, dataDir: config.dataDir });
    // Its failure is reported where it is awaited, once the modules have loaded.
    opening.catch(() => undefined);
    const { runServer } = await import('./run-server.ts');
    await runServer(config, opening, { worker: !values['no-worker'] });
  } finally {
    clearInterval(busy);
  }
}
