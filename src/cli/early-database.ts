import { parseArgs } from 'node:util';
import { loadConfig, type LoadOptions } from '../config/load.ts';
import { settingFindings } from '../config/setting-rules.ts';
import { startEmbeddedOpen } from '../db/database.ts';

/** The configuration flags of `serve` (serve.ts), or none for `worker`; null when the arguments are not understood. */
function flagsOf(command: string, args: string[]): LoadOptions['flags'] | null {
  if (command !== 'serve') return {};
  try {
    const { values } = parseArgs({ args, options: { demo: { type: 'boolean' }, 'no-worker': { type: 'boolean' }, port: { type: 'string' } }, strict: true });
    return { demo: values.demo, port: values.port !== undefined ? Number(values.port) : undefined };
  } catch {
    return null;
  }
}

/**
 * For `serve` and `worker`, before their modules load: when the configuration names no PostgreSQL,
 * the embedded database starts opening while they load (src/db/database.ts, `startEmbeddedOpen`).
 * Arguments or a configuration that do not load, or that the setting rules refuse, are left for
 * the command to report as it does without this: nothing is opened nor created for a refused start.
 */
export function openEmbeddedDatabaseEarly(command: string, args: string[]): void {
  const flags = flagsOf(command, args);
  if (!flags) return;
  let config;
  try {
    config = loadConfig({ flags });
  } catch {
    return;
  }
  if (config.database.url || settingFindings(config).some((f) => f.level === 'failure')) return;
  startEmbeddedOpen(config.dataDir);
}
