/**
 * Envelope encryption of the keys in the key store: every key is stored wrapped by a key-encryption
 * key (KEK) that sits in neither database. A KMS (AWS KMS, Vault transit, Alibaba Cloud KMS) can
 * implement this interface later; `LocalKeyWrapper` does it with a KEK given to the process.
 */
export interface KeyWrapper {
  /** Public id of the KEK new keys are wrapped with (e.g. `kek_3f2a…`); never the KEK itself. */
  readonly currentId: string;
  /** Ids of every KEK this wrapper can unwrap with (the current one first). */
  readonly knownIds: readonly string[];
  /** Wraps key material; `context` (kind and id of the key) is bound to it as associated data. */
  wrap(material: Buffer, context: string): Promise<Buffer>;
  /** Unwraps what `wrap` returned, for the same context. Throws KekError when it cannot. */
  unwrap(wrapped: Buffer, context: string): Promise<Buffer>;
  /** The id of the KEK a wrapped key was wrapped with, or null when the bytes are not a wrapped key. */
  wrappedBy(wrapped: Buffer): string | null;
}

/** A key that cannot be unwrapped with the KEKs this process has: a wrong or missing KEK. */
export class KekError extends Error {}
