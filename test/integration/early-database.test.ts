import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { openDatabase, startEmbeddedOpen } from '../../src/db/database.ts';
import { openEmbeddedDatabaseEarly } from '../../src/cli/early-database.ts';

/** The environment keys the configuration reads that these cases set; restored after each. */
const KEYS = ['ADIEU_DATA_DIR', 'DATABASE_URL', 'NODE_ENV', 'ADIEU_CONFIG', 'ADIEU_KEYSTORE_URL', 'ADIEU_DEMO', 'ADIEU_DEV_TOOLS', 'PORT'];

describe('opening the embedded database while the server loads', () => {
  let dataDir: string;
  let saved: Record<string, string | undefined>;
  beforeEach(() => {
    dataDir = mkdtempSync(join(TMP_ROOT, 'early-database-'));
    saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
    for (const key of KEYS) delete process.env[key];
    process.env.ADIEU_DATA_DIR = dataDir;
    process.env.NODE_ENV = 'test';
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the next open of the same folder takes the database already opening; the one after opens its own', async () => {
    const early = startEmbeddedOpen(dataDir);
    const first = await openDatabase({ dataDir });
    expect(first.pglite).toBe(await early);
    await first.close();
    const second = await openDatabase({ dataDir });
    try {
      expect(second.pglite).not.toBe(first.pglite);
      const result = (await second.executeSql('SELECT 1 AS one')) as { rows: Array<{ one: number }> };
      expect(result.rows[0].one).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('`serve` starts opening the configured data folder before its modules load', async () => {
    openEmbeddedDatabaseEarly('serve', ['--demo', '--port', '0']);
    // The folder is there at once (the template copy is synchronous), before anything asked for it.
    expect(existsSync(join(dataDir, 'db'))).toBe(true);
    const database = await openDatabase({ dataDir });
    await database.close();
  });

  it('opens nothing beside PostgreSQL, for a refused start, or for arguments `serve` refuses', () => {
    process.env.DATABASE_URL = 'postgres://adieu@127.0.0.1:1/adieu';
    openEmbeddedDatabaseEarly('serve', []);
    delete process.env.DATABASE_URL;
    // Production with the default settings: refused (no KEK, no mail transport…).
    process.env.NODE_ENV = 'production';
    openEmbeddedDatabaseEarly('worker', []);
    process.env.NODE_ENV = 'test';
    openEmbeddedDatabaseEarly('serve', ['--no-such-option']);
    expect(existsSync(join(dataDir, 'db'))).toBe(false);
  });
});
