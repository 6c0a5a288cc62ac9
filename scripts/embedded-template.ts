/**
 * `npm install` (`prepare`): builds the embedded database a first start copies instead of creating
 * one (src/db/embedded-template.ts). Never fails the install: without a template a first start
 * only takes longer.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { wrapPglite } from '../src/db/database.ts';
import { migrateDatabase } from '../src/app/migrate.ts';
import { TEMPLATE_FOLDER, templateDir } from '../src/db/embedded-template.ts';

const building = join(TEMPLATE_FOLDER, `building-${process.pid}`);
try {
  mkdirSync(TEMPLATE_FOLDER, { recursive: true });
  const client = await PGlite.create(building);
  await migrateDatabase(wrapPglite(client));
  await client.close();
  for (const name of readdirSync(TEMPLATE_FOLDER)) if (name.startsWith('embedded-')) rmSync(join(TEMPLATE_FOLDER, name), { recursive: true, force: true });
  renameSync(building, templateDir());
} catch (error) {
  rmSync(building, { recursive: true, force: true });
  process.stderr.write(`adieu: no embedded database template (a first start will create the database): ${error instanceof Error ? error.message : String(error)}\n`);
}
