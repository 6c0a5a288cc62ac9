import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { KeyWrapper } from './key-wrapper.ts';
import { LocalKeyWrapper } from './local-key-wrapper.ts';

/** Where a KEK is generated when none is configured outside production (demo, development). */
export const DEMO_KEK_FILE = 'demo.kek';

const decode = (base64: string) => Buffer.from(base64.trim(), 'base64');

/** The generated KEK of a demo or development install: created once, then read. */
function demoKek(dataDir: string): Buffer {
  const file = join(dataDir, DEMO_KEK_FILE);
  try {
    return decode(readFileSync(file, 'utf8'));
  } catch {
    mkdirSync(dataDir, { recursive: true });
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
      } finally {
        closeSync(fd);
      }
    } catch {
      // another process created it first
    }
    return decode(readFileSync(file, 'utf8'));
  }
}

/**
 * The KEK wrapper of this deployment: `keys.kek` (ADIEU_KEK / ADIEU_KEK_FILE), with
 * `keys.previousKek` during a rewrap. Production requires one; a demo or development install
 * without one gets a generated KEK in `dataDir/demo.kek` (beside the data, so no protection against
 * whoever copies the folder: fine for a demo, not for buyers' data).
 */
export function keyWrapperFor(config: Config): KeyWrapper {
  const previous = config.keys.previousKek ? [decode(config.keys.previousKek)] : [];
  if (config.keys.kek) return new LocalKeyWrapper(decode(config.keys.kek), previous);
  if (config.production) {
    throw new ConfigError('configuration error: ADIEU_KEK (keys.kek): required when NODE_ENV=production; set ADIEU_KEK or ADIEU_KEK_FILE to 32 random bytes in base64 (openssl rand -base64 32)');
  }
  if (previous.length > 0) throw new ConfigError('configuration error: ADIEU_KEK_PREVIOUS (keys.previousKek): set ADIEU_KEK (the new KEK) too');
  return new LocalKeyWrapper(demoKek(config.dataDir));
}
