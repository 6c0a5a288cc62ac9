import { loadConfig } from '../config/load.ts';
import { startEmbeddedOpen } from '../db/database.ts';

/**
 * For `serve` and `worker`, before their modules load: when the configuration names no PostgreSQL,
 * the embedded database starts opening while they load (src/db/database.ts, `startEmbeddedOpen`).
 * A configuration that does not load is left for the command to report, as it does without this.
 */
export function openEmbeddedDatabaseEarly(): void {
  let config;
  try {
    config = loadConfig();
  } catch {
    return;
  }
  if (!config.database.url) startEmbeddedOpen(config.dataDir);
}
