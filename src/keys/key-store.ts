/**
 * Where secret keys live, apart from the main database so that destroying a buyer's key destroys
 * every copy of what it encrypted (crypto-shredding). A KMS can implement this interface later.
 */
export interface KeyStore {
  /** The buyer's data key, created on first use. Throws when the key was destroyed. */
  subjectKey(subjectId: string): Promise<Buffer>;
  /** The buyer's data key, or null when it never existed or was destroyed. */
  findSubjectKey(subjectId: string): Promise<Buffer | null>;
  /** Destroys the buyer's key for good. Safe to call twice. */
  destroySubjectKey(subjectId: string): Promise<void>;
  /** A service-wide secret (blind index, CSRF, signing seed…), created on first use, never destroyed. */
  serviceSecret(name: string): Promise<Buffer>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class KeyDestroyedError extends Error {
  constructor() {
    super('the key of this subject was destroyed');
  }
}
