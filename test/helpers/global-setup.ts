import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, wrapPglite } from '../../src/db/database.ts';
import { migrateDatabase } from '../../src/app/migrate.ts';

export const TMP_ROOT = join(process.cwd(), '.tmp');

/**
 * Migrates one template per run: an embedded database dumped to a tarball that each test loads
 * (initdb in WASM costs seconds; a load is fast), and on PostgreSQL a template database that each
 * test copies with CREATE DATABASE … TEMPLATE.
 */
export default async function setup(project: TestProject) {
  mkdirSync(TMP_ROOT, { recursive: true });
  const client = await PGlite.create();
  await migrateDatabase(wrapPglite(client));
  const dump = await client.dumpDataDir('none');
  const templatePath = join(TMP_ROOT, `pglite-template-${process.pid}.tar`);
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  await client.close();
  project.provide('pgliteTemplate', templatePath);

  const url = process.env.TEST_DATABASE_URL;
  let templateName = '';
  if (url) {
    templateName = `adieu_tpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${templateName}`);
    await admin.end();
    const database = await openDatabase({ url: withDatabase(url, templateName), dataDir: TMP_ROOT, poolSize: 2 });
    await migrateDatabase(database);
    await database.close();
  }
  project.provide('postgresTemplate', templateName);

  return async () => {
    if (url && templateName) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`adieu_t%_${process.pid}_%`]);
      for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
  };
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}
