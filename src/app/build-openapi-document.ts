import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { closeContext, createContext } from './create-context.ts';
import { createLogger } from '../logger.ts';
import { buildApp } from './build-app.ts';

/**
 * The OpenAPI document of a configuration without serving it: the app is built on a throwaway
 * embedded database with a throwaway key store and KEK (the document does not depend on data), so
 * no real database, key store, KEK or Redis is touched.
 */
export async function buildDocument(config: Config): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'adieu-openapi-'));
  const ctx = await createContext(
    { ...config, dataDir, database: {}, keys: { kek: randomBytes(32).toString('base64') }, redis: { ...config.redis, url: undefined }, mail: { ...config.mail, smtpUrl: undefined } },
    { logger: createLogger('silent') },
  );
  try {
    const app = await buildApp(ctx);
    await app.ready();
    const document = app.swagger() as unknown as Record<string, unknown>;
    await app.close();
    return document;
  } finally {
    await closeContext(ctx);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
