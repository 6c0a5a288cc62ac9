import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastMigrationTime } from './migrations-folder.ts';

/**
 * A freshly created and migrated embedded database, built by `npm install` (`prepare` runs
 * scripts/embedded-template.ts). A first start copies it instead of running PostgreSQL's initdb in
 * WebAssembly and every migration, which were most of a first start's time. Named for the last
 * migration it holds, so a template older than the code is never used; without one, the first
 * start creates the database itself.
 */
export const TEMPLATE_FOLDER = fileURLToPath(new URL('../../node_modules/.cache/adieu/', import.meta.url));

export function templateDir(): string {
  return join(TEMPLATE_FOLDER, `embedded-${lastMigrationTime()}`);
}

/**
 * Copies `template` (by default the one `npm install` built) to `dir` when `dir` holds no database
 * yet and a template is there; returns whether it did. The copy is renamed into place, so an
 * interrupted one leaves no half database.
 */
export function copyTemplate(dir: string, template = templateDir()): boolean {
  if (existsSync(join(dir, 'PG_VERSION')) || !existsSync(join(template, 'PG_VERSION'))) return false;
  const copy = `${dir}.copy-${process.pid}`;
  cpSync(template, copy, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(copy, dir);
  return true;
}
