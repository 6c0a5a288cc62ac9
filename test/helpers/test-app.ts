import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { DatabaseKind } from '../../src/db/database.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { createContext, closeContext, type AppContext, type ContextOptions } from '../../src/app/create-context.ts';
import { registerJobHandlers } from '../../src/app/job-handlers.ts';
import { bindKeyStore } from '../../src/keys/key-store-binding.ts';
import { buildApp } from '../../src/app/build-app.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from './test-databases.ts';
import { TMP_ROOT } from './global-setup.ts';

export interface TestApp {
  ctx: AppContext;
  app: FastifyInstance;
  testDb: TestDatabase;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A whole Adieu for one test: its own database (embedded or PostgreSQL), its own data folder, the
 * real app. `config` is written as an ADIEU_CONFIG file would be.
 */
export async function createTestApp(kind: DatabaseKind, config: Partial<ConfigInput> = {}, options: ContextOptions = {}): Promise<TestApp> {
  const testDb = await createTestDatabase(kind);
  const dataDir = mkdtempSync(join(TMP_ROOT, 'data-'));
  const env: Record<string, string> = { ADIEU_DATA_DIR: dataDir, ADIEU_DEV_TOOLS: 'true' };
  const file = join(dataDir, 'config.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, JSON.stringify({ publicUrl: 'http://adieu.test', log: { level: 'silent' }, ...config }));
  env.ADIEU_CONFIG = file;
  const loaded = loadConfig({ env });
  const ctx = await createContext(loaded, { database: testDb.database, logger: createLogger('silent'), ...options });
  await bindKeyStore(ctx.db, ctx.keys);
  registerJobHandlers(ctx);
  const app = await buildApp(ctx);
  await app.ready();
  return {
    ctx,
    app,
    testDb,
    dataDir,
    async close() {
      await app.close();
      await closeContext(ctx);
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in client: carries the session cookie and the CSRF header like a browser would. */
export class Client {
  cookie: string | null = null;
  csrfToken: string | null = null;

  constructor(
    private readonly app: FastifyInstance,
    private readonly ip = '127.0.0.1',
  ) {}

  async request(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const allHeaders: Record<string, string> = { ...headers };
    if (this.cookie) allHeaders.cookie = `adieu_session=${this.cookie}`;
    if (this.csrfToken && method !== 'GET' && !('x-csrf-token' in headers)) allHeaders['x-csrf-token'] = this.csrfToken;
    const response = await this.app.inject({
      method,
      url,
      headers: allHeaders,
      remoteAddress: this.ip,
      ...(body === undefined ? {} : { payload: body as any }),
    });
    const setCookie = response.cookies.find((c) => c.name === 'adieu_session');
    if (setCookie) this.cookie = setCookie.value || null;
    const json = response.headers['content-type']?.toString().includes('json') ? response.json() : null;
    if (json && typeof json.csrfToken === 'string') this.csrfToken = json.csrfToken;
    return response;
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body ?? {}, headers);
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body ?? {});
  delete = (url: string) => this.request('DELETE', url);

  async signIn(identifier: string, password: string, totp?: string): Promise<LightMyRequestResponse> {
    const response = await this.post('/api/auth/login', { identifier, password, ...(totp ? { totp } : {}) });
    if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
    return response;
  }

  async reauth(password: string): Promise<void> {
    const response = await this.post('/api/auth/reauth', { password });
    if (response.statusCode !== 200) throw new Error(`reauth failed: ${response.statusCode} ${response.body}`);
  }
}

export const DEMO_PASSWORD = 'demo-password-1';
