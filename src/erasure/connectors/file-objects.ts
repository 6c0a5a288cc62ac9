import { constants } from 'node:fs';
import { access, lstat, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARKER_PREFIX, type ObjectStore } from './object-store.ts';

/**
 * A folder as an object store (`file:///srv/uploads`): paths relative to it, `/`-separated.
 * Symbolic links are neither followed nor removed (a link could lead out of the store).
 */
export function fileObjects(url: string): ObjectStore {
  const root = fileURLToPath(url);
  const abs = (path: string) => join(root, ...path.split('/').filter(Boolean));

  async function* walk(dir: string, rel: string, budget: { left: number }): AsyncGenerator<string[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      // The store's own folder must be there; a sub-folder may simply not exist (nobody's files yet).
      if ((error as { code?: string }).code === 'ENOENT' && rel !== '') return;
      throw error;
    }
    const files: string[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (path === MARKER_PREFIX) continue;
      if (entry.isDirectory()) {
        if (files.length) yield files.splice(0);
        yield* walk(join(dir, entry.name), path, budget);
      } else if (entry.isFile()) {
        if (budget.left-- <= 0) break;
        files.push(path);
      }
    }
    if (files.length) yield files;
  }

  return {
    async *list(prefix, limit = Number.POSITIVE_INFINITY) {
      const clean = prefix.split('/').filter(Boolean).join('/');
      if (clean) {
        // The root itself must exist, or the store is misconfigured (never read as "nothing to erase").
        await stat(root);
        const info = await lstat(abs(clean)).catch(() => null);
        if (!info) return;
        if (info.isFile()) {
          yield [clean];
          return;
        }
        if (!info.isDirectory()) return;
      }
      yield* walk(clean ? abs(clean) : root, clean, { left: limit });
    },
    async read(path, maxBytes) {
      const handle = await open(abs(path), 'r').catch((error: { code?: string }) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      if (!handle) return null;
      try {
        const { size } = await handle.stat();
        if (size > maxBytes) return null;
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },
    async remove(path) {
      try {
        await unlink(abs(path));
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return false;
        throw error;
      }
    },
    async readMarker(name) {
      return readFile(join(root, MARKER_PREFIX, name), 'utf8').catch((error: { code?: string }) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
    },
    async writeMarker(name, text) {
      const dir = join(root, MARKER_PREFIX);
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `${name}.${process.pid}.tmp`);
      await writeFile(tmp, text);
      await rename(tmp, join(dir, name));
    },
    async probe() {
      try {
        const info = await stat(root);
        if (!info.isDirectory()) return { ok: false, detail: 'the URL names a file, not a folder' };
        await access(root, constants.R_OK | constants.W_OK | constants.X_OK);
        const dir = join(root, MARKER_PREFIX);
        await mkdir(dir, { recursive: true });
        const probe = join(dir, `probe-${process.pid}`);
        await writeFile(probe, '');
        await rm(probe);
        return { ok: true, detail: 'folder reachable, readable and writable' };
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'unknown';
        return { ok: false, detail: code === 'ENOENT' ? 'the folder does not exist (ENOENT)' : code === 'EACCES' || code === 'EPERM' ? `no permission to read and remove files there (${code})` : `failed (${code})` };
      }
    },
  };
}
