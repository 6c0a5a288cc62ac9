import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A library loaded on its first use instead of at start: for the heavy ones a server may never
 * need, or not before its first request (holiday tables, the password dictionary, phone metadata,
 * SMTP). Synchronous, through the library's CommonJS build, so the functions using it stay sync.
 * Only for libraries the rest of src/ never imports statically (one copy of each in memory).
 */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
