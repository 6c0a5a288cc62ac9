import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { FileKeyStore } from './file-key-store.ts';
import { PostgresKeyStore } from './postgres-key-store.ts';
import type { KeyStore } from './key-store.ts';
import type { KeyWrapper } from './key-wrapper.ts';
import { keyWrapperFor } from './kek.ts';

/** `keys.url` is a PostgreSQL URL or a folder; without it, `dataDir/keys`. */
export function openKeyStore(options: { url?: string; dataDir: string; wrapper: KeyWrapper }): KeyStore {
  const url = options.url;
  if (url && /^postgres(ql)?:\/\//.test(url)) return new PostgresKeyStore(url, options.wrapper);
  return new FileKeyStore(url ?? join(options.dataDir, 'keys'), options.wrapper);
}

/** The configured key store with the configured KEK. */
export function openConfiguredKeyStore(config: Config): KeyStore {
  return openKeyStore({ url: config.keys.url, dataDir: config.dataDir, wrapper: keyWrapperFor(config) });
}
