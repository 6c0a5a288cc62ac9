/**
 * Where the encrypted bytes of identity documents live. Every process (servers, workers) must
 * reach the same bytes: with PostgreSQL they live in the database (`document_blobs`), so no server
 * keeps anything on its own disk; the embedded database (one process) keeps them in a folder.
 * An object store can implement this interface later.
 *
 * Names are random (`newStorageName`) and the bytes are AES-256-GCM ciphertext under a document
 * key that only the buyer's key unwraps: the storage never sees anything in the clear.
 */
export interface DocumentStorage {
  readonly kind: 'folder' | 'database';
  /** Stores new bytes under a new name; never overwrites. */
  write(name: string, sealed: Buffer): Promise<void>;
  /** The bytes, or null when they are gone. */
  read(name: string): Promise<Buffer | null>;
  /** Deletes the bytes; safe to call twice. */
  remove(names: string[]): Promise<void>;
  /** Which of these names still have bytes (residue checks after disposal and erasure). */
  present(names: string[]): Promise<string[]>;
}

/** Random storage names only: nothing of the buyer, the id or the client's filename is a name. */
const STORAGE_NAME = /^[A-Za-z0-9_-]{43}$/;

/** Defence in depth: a name read back from the database never becomes a path or key elsewhere. */
export function checkStorageName(name: string): string {
  if (!STORAGE_NAME.test(name)) throw new Error('invalid storage name');
  return name;
}
