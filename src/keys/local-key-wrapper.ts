import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { KekError, type KeyWrapper } from './key-wrapper.ts';

/** "Adieu wrapped key, format 1": magic, KEK id (8 bytes), IV (12), GCM tag (16), wrapped key. */
const MAGIC = Buffer.from('AWK1');
const ID_BYTES = 8;
const HEADER = MAGIC.length + ID_BYTES;

/** The KEK's public id: a hash of it under a fixed label, so the id says nothing about the KEK. */
export function kekId(kek: Buffer): string {
  return `kek_${createHash('sha256').update('adieu-kek-id\0').update(kek).digest('hex').slice(0, ID_BYTES * 2)}`;
}

const idBytes = (id: string) => Buffer.from(id.slice(4), 'hex');

/**
 * AES-256-GCM with a 32-byte KEK held by this process (`ADIEU_KEK` / `ADIEU_KEK_FILE`). During a
 * rewrap the previous KEK is given too: keys wrapped by either are read, new ones use the current.
 */
export class LocalKeyWrapper implements KeyWrapper {
  readonly currentId: string;
  readonly knownIds: readonly string[];
  private readonly keks = new Map<string, Buffer>();

  constructor(current: Buffer, previous: Buffer[] = []) {
    for (const kek of [current, ...previous]) {
      if (kek.length !== 32) throw new KekError('a KEK must be 32 bytes');
      this.keks.set(kekId(kek), kek);
    }
    this.currentId = kekId(current);
    this.knownIds = [...this.keks.keys()];
  }

  async wrap(material: Buffer, context: string): Promise<Buffer> {
    const header = Buffer.concat([MAGIC, idBytes(this.currentId)]);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keks.get(this.currentId)!, iv);
    cipher.setAAD(Buffer.concat([header, Buffer.from(context)]));
    const body = Buffer.concat([cipher.update(material), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
  }

  async unwrap(wrapped: Buffer, context: string): Promise<Buffer> {
    const id = this.wrappedBy(wrapped);
    if (!id) throw new KekError('not a wrapped key');
    const kek = this.keks.get(id);
    if (!kek) throw new KekError(`wrapped by ${id}, which is not the configured KEK (${this.knownIds.join(', ')})`);
    const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(HEADER, HEADER + 12));
    decipher.setAAD(Buffer.concat([wrapped.subarray(0, HEADER), Buffer.from(context)]));
    decipher.setAuthTag(wrapped.subarray(HEADER + 12, HEADER + 28));
    try {
      return Buffer.concat([decipher.update(wrapped.subarray(HEADER + 28)), decipher.final()]);
    } catch {
      throw new KekError(`a key wrapped by ${id} does not open (damaged, or moved from another place)`);
    }
  }

  wrappedBy(wrapped: Buffer): string | null {
    if (wrapped.length < HEADER + 28 || !wrapped.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    return `kek_${wrapped.subarray(MAGIC.length, HEADER).toString('hex')}`;
  }
}
