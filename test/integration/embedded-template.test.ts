import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { openDatabase } from '../../src/db/database.ts';
import { copyTemplate } from '../../src/db/embedded-template.ts';
import { MIGRATIONS_FOLDER } from '../../src/db/migrations-folder.ts';

const MIGRATION_FILES = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length;

describe('the embedded database template', () => {
  let root: string;
  let template: string;
  beforeAll(async () => {
    root = mkdtempSync(join(TMP_ROOT, 'embedded-template-'));
    // A migrated database on disk, as `npm install` builds one (here from the run's migrated dump).
    template = join(root, 'template');
    const client = await PGlite.create(template, { loadDataDir: new Blob([new Uint8Array(readFileSync(inject('pgliteTemplate')))]) });
    await client.close();
    // Tells this template's copies from those of the one `npm install` built.
    writeFileSync(join(template, 'test-template'), '');
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('gives a first start a migrated database', async () => {
    const dataDir = join(root, 'first');
    expect(copyTemplate(join(dataDir, 'db'), template)).toBe(true);
    expect(existsSync(join(dataDir, 'db', 'test-template'))).toBe(true);
    const database = await openDatabase({ dataDir });
    try {
      const result = (await database.executeSql('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')) as { rows: Array<{ n: number }> };
      expect(result.rows[0].n).toBe(MIGRATION_FILES);
    } finally {
      await database.close();
    }
    expect(readdirSync(dataDir)).toEqual(['db']);
  });

  it('replaces a database folder that initdb left unfinished', () => {
    const dir = join(root, 'unfinished', 'db');
    mkdirSync(join(dir, 'base'), { recursive: true });
    writeFileSync(join(dir, 'leftover'), '');
    expect(copyTemplate(dir, template)).toBe(true);
    expect(existsSync(join(dir, 'leftover'))).toBe(false);
    expect(readFileSync(join(dir, 'PG_VERSION'), 'utf8')).toBe(readFileSync(join(template, 'PG_VERSION'), 'utf8'));
  });

  it('leaves an existing database untouched', () => {
    const dir = join(root, 'existing', 'db');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'PG_VERSION'), 'mine\n');
    writeFileSync(join(dir, 'marker'), 'kept');
    expect(copyTemplate(dir, template)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['PG_VERSION', 'marker']);
    expect(readFileSync(join(dir, 'PG_VERSION'), 'utf8')).toBe('mine\n');
  });

  it('copies nothing without a template', () => {
    const dir = join(root, 'none', 'db');
    expect(copyTemplate(dir, join(root, 'missing'))).toBe(false);
    expect(existsSync(join(root, 'none'))).toBe(false);
  });
});
