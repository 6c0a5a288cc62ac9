import { join } from 'node:path';
import { FileKeyStore } from './file-key-store.ts';
import { PostgresKeyStore } from './postgres-key-store.ts';
import type { KeyStore } from './key-store.ts';

/** `keys.url` is a PostgreSQL URL or a folder; without it, `dataDir/keys`. */
export function openKeyStore(options: { url?: string; dataDir: string }): KeyStore {
  const url = options.url;
  if (url && /^postgres(ql)?:\/\//.test(url)) return new PostgresKeyStore(url);
  return new FileKeyStore(url ?? join(options.dataDir, 'keys'));
}
