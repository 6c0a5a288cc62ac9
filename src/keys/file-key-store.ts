import { randomBytes } from 'node:crypto';
import { accessSync, constants, linkSync, mkdirSync, openSync, writeSync, closeSync, readFileSync, rmSync, existsSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { KeyDestroyedError, type KeyStore } from './key-store.ts';

const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** Keys as files under one folder (`dataDir/keys`), for a single machine. */
export class FileKeyStore implements KeyStore {
  private readonly secrets = new Map<string, Buffer>();

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'subjects'), { recursive: true, mode: 0o700 });
    mkdirSync(join(dir, 'service'), { recursive: true, mode: 0o700 });
  }

  private path(kind: 'subjects' | 'service', id: string): string {
    if (!SAFE_ID.test(id)) throw new Error('invalid key id');
    return join(this.dir, kind, `${id}.key`);
  }

  private readOrCreate(file: string): Buffer {
    try {
      return readFileSync(file);
    } catch {
      const key = randomBytes(32);
      // Written whole under a temporary name, then linked into place: a reader in another process
      // never sees a half-written key, and link() fails when someone else created it first.
      const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      const fd = openSync(temp, 'wx', 0o600);
      try {
        writeSync(fd, key);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      try {
        linkSync(temp, file);
        return key;
      } catch {
        return readFileSync(file);
      } finally {
        rmSync(temp, { force: true });
      }
    }
  }

  async subjectKey(subjectId: string): Promise<Buffer> {
    const file = this.path('subjects', subjectId);
    if (existsSync(`${file}.destroyed`)) throw new KeyDestroyedError();
    const key = this.readOrCreate(file);
    // Destroyed while we were creating it: the new key must not survive the erasure.
    if (existsSync(`${file}.destroyed`)) {
      rmSync(file, { force: true });
      throw new KeyDestroyedError();
    }
    return key;
  }

  async findSubjectKey(subjectId: string): Promise<Buffer | null> {
    try {
      return readFileSync(this.path('subjects', subjectId));
    } catch {
      return null;
    }
  }

  async destroySubjectKey(subjectId: string): Promise<void> {
    const file = this.path('subjects', subjectId);
    // The marker (empty, holds nothing of the buyer) stops a late writer from minting a new key.
    closeSync(openSync(`${file}.destroyed`, 'a', 0o600));
    rmSync(file, { force: true });
  }

  async serviceSecret(name: string): Promise<Buffer> {
    let secret = this.secrets.get(name);
    if (!secret) {
      secret = this.readOrCreate(this.path('service', name));
      this.secrets.set(name, secret);
    }
    return secret;
  }

  async ping(): Promise<void> {
    accessSync(join(this.dir, 'subjects'), constants.R_OK | constants.W_OK);
  }

  async close(): Promise<void> {}
}
