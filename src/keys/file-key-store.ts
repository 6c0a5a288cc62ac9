import { randomBytes } from 'node:crypto';
import { accessSync, constants, linkSync, mkdirSync, openSync, writeSync, closeSync, readFileSync, readdirSync, renameSync, rmSync, existsSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { KeyDestroyedError, KeyExistsError, KeyMissingError, unwrapStored, type KeyStore } from './key-store.ts';
import type { KeyWrapper } from './key-wrapper.ts';

const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;
type Kind = 'subjects' | 'service';
const KINDS: Kind[] = ['subjects', 'service'];
/** The associated data a key is wrapped with, the same in both stores. */
const contextOf = (kind: Kind, id: string) => `${kind === 'subjects' ? 'subject' : 'service'}:${id}`;

/** Writes a file whole under a temporary name, fsynced, and returns that name. */
function writeTemp(file: string, bytes: Buffer): string {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Keys as files under one folder (`dataDir/keys`), for a single machine. */
export class FileKeyStore implements KeyStore {
  private readonly secrets = new Map<string, Buffer>();
  readonly where: string;

  constructor(
    private readonly dir: string,
    readonly wrapper: KeyWrapper,
  ) {
    this.where = `folder ${dir}`;
    for (const sub of [...KINDS, 'meta']) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  }

  private path(kind: Kind | 'meta', id: string): string {
    if (!SAFE_ID.test(id)) throw new Error('invalid key id');
    return join(this.dir, kind, `${id}.${kind === 'meta' ? 'json' : 'key'}`);
  }

  /** Creates `file` with `bytes` unless it exists: link() fails when someone else created it first. */
  private createOnce(file: string, bytes: Buffer): Buffer {
    const temp = writeTemp(file, bytes);
    try {
      linkSync(temp, file);
      return bytes;
    } catch {
      return readFileSync(file);
    } finally {
      rmSync(temp, { force: true });
    }
  }

  private async readOrCreate(kind: Kind, id: string): Promise<Buffer> {
    const file = this.path(kind, id);
    const context = contextOf(kind, id);
    let stored: Buffer;
    try {
      stored = readFileSync(file);
    } catch {
      // A reader in another process never sees a half-written key (written whole, then linked).
      stored = this.createOnce(file, await this.wrapper.wrap(randomBytes(32), context));
    }
    return unwrapStored(this.wrapper, stored, context);
  }

  private async find(kind: Kind, id: string): Promise<Buffer | null> {
    let stored: Buffer;
    try {
      stored = readFileSync(this.path(kind, id));
    } catch {
      return null;
    }
    return unwrapStored(this.wrapper, stored, contextOf(kind, id));
  }

  async createSubjectKey(subjectId: string): Promise<Buffer> {
    const file = this.path('subjects', subjectId);
    if (existsSync(`${file}.destroyed`)) throw new KeyDestroyedError();
    const context = contextOf('subjects', subjectId);
    const key = randomBytes(32);
    const temp = writeTemp(file, await this.wrapper.wrap(key, context));
    try {
      linkSync(temp, file);
    } catch {
      throw new KeyExistsError();
    } finally {
      rmSync(temp, { force: true });
    }
    // Destroyed while we were creating it: the new key must not survive the erasure.
    if (existsSync(`${file}.destroyed`)) {
      rmSync(file, { force: true });
      throw new KeyDestroyedError();
    }
    return key;
  }

  async subjectKey(subjectId: string): Promise<Buffer> {
    if (existsSync(`${this.path('subjects', subjectId)}.destroyed`)) throw new KeyDestroyedError();
    const key = await this.find('subjects', subjectId);
    if (!key) throw new KeyMissingError();
    return key;
  }

  findSubjectKey(subjectId: string): Promise<Buffer | null> {
    return this.find('subjects', subjectId);
  }

  private destroy(kind: Kind, id: string): void {
    const file = this.path(kind, id);
    // The marker (empty, holds nothing of the buyer) stops a late writer from minting a new key.
    closeSync(openSync(`${file}.destroyed`, 'a', 0o600));
    rmSync(file, { force: true });
  }

  async destroySubjectKey(subjectId: string): Promise<void> {
    this.destroy('subjects', subjectId);
  }

  async serviceSecret(name: string): Promise<Buffer> {
    let secret = this.secrets.get(name);
    if (!secret) {
      if (existsSync(`${this.path('service', name)}.destroyed`)) throw new KeyDestroyedError();
      secret = await this.readOrCreate('service', name);
      this.secrets.set(name, secret);
    }
    return secret;
  }

  async destroyServiceSecret(name: string): Promise<void> {
    this.secrets.delete(name);
    this.destroy('service', name);
  }

  async readMeta(name: string): Promise<string | null> {
    try {
      return readFileSync(this.path('meta', name), 'utf8');
    } catch {
      return null;
    }
  }

  async writeMeta(name: string, value: string, options: { ifAbsent?: boolean } = {}): Promise<string> {
    const file = this.path('meta', name);
    if (options.ifAbsent) return this.createOnce(file, Buffer.from(value)).toString('utf8');
    renameSync(writeTemp(file, Buffer.from(value)), file);
    return value;
  }

  async hasKeys(): Promise<boolean> {
    return KINDS.some((kind) => readdirSync(join(this.dir, kind)).some((f) => f.endsWith('.key') || f.endsWith('.destroyed')));
  }

  async rewrapAll(options: { onlyUnwrapped?: boolean } = {}): Promise<{ rewrapped: number; total: number }> {
    let rewrapped = 0;
    let total = 0;
    for (const kind of KINDS) {
      for (const name of readdirSync(join(this.dir, kind))) {
        if (!name.endsWith('.key')) continue;
        total += 1;
        const id = name.slice(0, -'.key'.length);
        const file = join(this.dir, kind, name);
        let stored: Buffer;
        try {
          stored = readFileSync(file);
        } catch {
          continue; // destroyed meanwhile
        }
        const by = this.wrapper.wrappedBy(stored);
        if (by === this.wrapper.currentId || (options.onlyUnwrapped && by !== null)) continue;
        const context = contextOf(kind, id);
        const wrapped = await this.wrapper.wrap(await unwrapStored(this.wrapper, stored, context), context);
        // Replaced in one rename; a destruction that raced with it wins (the marker is checked after).
        renameSync(writeTemp(file, wrapped), file);
        if (existsSync(`${file}.destroyed`)) rmSync(file, { force: true });
        else rewrapped += 1;
      }
    }
    return { rewrapped, total };
  }

  async ping(): Promise<void> {
    accessSync(join(this.dir, 'subjects'), constants.R_OK | constants.W_OK);
  }

  async close(): Promise<void> {}
}
