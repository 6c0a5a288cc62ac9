import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkStorageName, type DocumentStorage } from './document-storage.ts';

/**
 * `dataDir/documents/<name>`, for the embedded database (one process, one machine). Outside the
 * web UI's served folder; nothing serves it statically.
 */
export class FolderDocumentStorage implements DocumentStorage {
  readonly kind = 'folder';

  constructor(readonly dir: string) {}

  private pathOf(name: string): string {
    return join(this.dir, checkStorageName(name));
  }

  /** Written and synced under a name that must not exist yet, readable by this user only. */
  async write(name: string, sealed: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const handle = await open(this.pathOf(name), 'wx', 0o600);
    try {
      await handle.writeFile(sealed);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async read(name: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * No overwrite first: on SSDs and copy-on-write file systems it would not reach the old blocks
   * anyway — the key destruction is what makes old copies unreadable.
   */
  async remove(names: string[]): Promise<void> {
    for (const name of names) await rm(this.pathOf(name), { force: true });
  }

  async present(names: string[]): Promise<string[]> {
    return names.filter((name) => existsSync(this.pathOf(name)));
  }
}
