import type { KeyWrapper } from './key-wrapper.ts';

/**
 * Where secret keys live, apart from the main database so that destroying a buyer's key destroys
 * every copy of what it encrypted (crypto-shredding). Every key is stored wrapped by a KEK
 * (`KeyWrapper`) that is in neither database. A KMS can implement this interface later.
 */
export interface KeyStore {
  /** The KEK wrapper this store wraps and unwraps with. */
  readonly wrapper: KeyWrapper;
  /** Where it is, for messages: a folder, or the PostgreSQL database's name (never a password). */
  readonly where: string;
  /**
   * Mints the data key of a new subject (a buyer being created, an erasure run starting). Keys are
   * never created on first use: a key missing from a restored or wrong store must not be silently
   * replaced, or everything sealed under the old key is lost. Throws `KeyExistsError` when the key
   * exists, `KeyDestroyedError` when it was destroyed.
   */
  createSubjectKey(subjectId: string): Promise<Buffer>;
  /** The subject's data key. Throws `KeyDestroyedError` when destroyed, `KeyMissingError` when absent. */
  subjectKey(subjectId: string): Promise<Buffer>;
  /** The buyer's data key, or null when it never existed or was destroyed. */
  findSubjectKey(subjectId: string): Promise<Buffer | null>;
  /** Destroys the buyer's key for good. Safe to call twice. */
  destroySubjectKey(subjectId: string): Promise<void>;
  /** A service-wide secret (blind index, CSRF, signing seed…), created on first use. */
  serviceSecret(name: string): Promise<Buffer>;
  /** Destroys a service secret (a retired signing key's private half). Safe to call twice. */
  destroyServiceSecret(name: string): Promise<void>;
  /** A small public record (the store's identity, the signing-key list); null when absent. */
  readMeta(name: string): Promise<string | null>;
  /** Writes a record; with `ifAbsent`, only when there is none. Returns the record now stored. */
  writeMeta(name: string, value: string, options?: { ifAbsent?: boolean }): Promise<string>;
  /** Whether the store holds any key at all (live or destroyed). */
  hasKeys(): Promise<boolean>;
  /**
   * Wraps every key with the current KEK: keys stored before wrapping existed, and keys wrapped by
   * a previous KEK. A key destroyed meanwhile stays destroyed. Safe to run while servers run.
   */
  rewrapAll(options?: { onlyUnwrapped?: boolean }): Promise<{ rewrapped: number; total: number }>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class KeyDestroyedError extends Error {
  constructor() {
    super('the key of this subject was destroyed');
  }
}

/** The key was never made, or the store lost it (restored from an older backup, wrong store). */
export class KeyMissingError extends Error {
  constructor() {
    super('the key of this buyer is missing from the key store: restore the key store (docs/key-management.md); no new key was made');
  }
}

/** `createSubjectKey` for a subject that already has a key: minting again would orphan its data. */
export class KeyExistsError extends Error {
  constructor() {
    super('this subject already has a key; no new key was made');
  }
}

/** A stored key's material: wrapped by the current KEK, wrapped by another, or plain (before wrapping). */
export async function unwrapStored(wrapper: KeyWrapper, stored: Buffer, context: string): Promise<Buffer> {
  // 32 bytes exactly is a key stored before envelope encryption; a wrapped key is longer.
  if (stored.length === 32 && wrapper.wrappedBy(stored) === null) return stored;
  return wrapper.unwrap(stored, context);
}
