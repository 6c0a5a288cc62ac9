import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { TMP_ROOT, withDatabase } from '../helpers/global-setup.ts';
import { loadConfig } from '../../src/config/load.ts';
import { closeContext, createContext } from '../../src/app/create-context.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';

const BIN = join(process.cwd(), 'bin/adieu.js');

function writeConfig(dir: string, content: unknown): string {
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a user would have: nothing of ours inherited from the test run. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'ADIEU_CONFIG', 'ADIEU_DATA_DIR', 'PORT', 'HOST', 'ADIEU_DEV_TOOLS', 'ADIEU_DEMO', 'SMTP_URL', 'REDIS_URL', 'ADIEU_KEYSTORE_URL', 'LOG_LEVEL']) {
    delete base[name];
  }
  return { ...base, NODE_ENV: 'test', ...env };
}

function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh, empty PostgreSQL database (not from the migrated template), dropped by the caller. */
async function emptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL!;
  const name = `adieu_t${randomBytes(4).toString('hex')}_${process.ppid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(base, name),
    async drop() {
      const again = new pg.Client({ connectionString: base });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await again.end();
    },
  };
}

describe('adieu CLI: configuration errors', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(TMP_ROOT, 'cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops `migrate` on an unknown key with exit 1 and one line naming it', async () => {
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ http: { port: 3000 }, databse: { url: 'postgres://x' } }));
    const result = await runCli(['migrate'], { ADIEU_CONFIG: config, ADIEU_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([`adieu: configuration error: unknown key databse in ${config}`]);
  });

  it('stops on a bad environment value and on dev tools in production', async () => {
    const port = await runCli(['migrate'], { PORT: 'http', ADIEU_DATA_DIR: dataDir });
    expect(port.code).toBe(1);
    expect(port.stderr.trimEnd().split('\n')).toEqual(['adieu: configuration error: PORT: expected a whole number, got "http"']);
    const production = await runCli(['serve', '--demo'], { NODE_ENV: 'production', ADIEU_DATA_DIR: dataDir });
    expect(production.code).toBe(1);
    expect(production.stderr.trimEnd().split('\n')).toEqual(['adieu: configuration error: --demo (devTools): dev tools are refused when NODE_ENV=production']);
  });

  it('stops `serve` on a webhook secret that is not a Standard Webhooks secret, saying how to make one', async () => {
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ webhooks: [{ name: 'crm', url: 'http://127.0.0.1:4000/erasure', secret: 'a-raw-shared-secret-0123456789' }] }));
    const result = await runCli(['serve'], { ADIEU_CONFIG: config, ADIEU_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'adieu: configuration error: webhooks.0.secret: expected a Standard Webhooks secret (whsec_ + base64 of 24–64 random bytes): generate one with `npx adieu secret webhook` (legacyRawSecret: true only for an old receiver)',
    ]);
  });

  it('stops `serve` with exit 1 and one line when the embedded database does not open', async () => {
    // serve starts opening the database before its modules have loaded: a failure meanwhile must
    // still end as this one line, not as an unhandled rejection.
    mkdirSync(join(dataDir, 'db'));
    writeFileSync(join(dataDir, 'db', 'PG_VERSION'), '99\n');
    const result = await runCli(['serve', '--port', '0'], { ADIEU_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('adieu: configuration warning:'));
    expect(lines).toEqual(['adieu: PGlite failed to initialize properly']);
  });

  it('`secret webhook` prints a fresh secret that the configuration accepts', async () => {
    const [first, second] = await Promise.all([runCli(['secret', 'webhook'], {}), runCli(['secret', 'webhook'], {})]);
    expect(first.code).toBe(0);
    const secret = first.stdout.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(second.stdout.trim()).not.toBe(secret);
    const config = loadConfig({ env: { ADIEU_DATA_DIR: dataDir, ADIEU_CONFIG: writeConfig(dataDir, { webhooks: [{ name: 'crm', url: 'http://127.0.0.1:4000/erasure', secret }] }) } });
    expect(config.webhooks[0].secret).toBe(secret);
  });
});

describe('adieu openapi', () => {
  it('prints the document of this configuration without serving it or touching its database', async () => {
    const dataDir = mkdtempSync(join(TMP_ROOT, 'cli-'));
    try {
      const config = join(dataDir, 'config.json');
      writeFileSync(config, JSON.stringify({ publicUrl: 'https://adieu.example.org', database: { url: 'postgres://nobody@127.0.0.1:1/none' } }));
      const result = await runCli(['openapi', '--dev-tools'], { ADIEU_CONFIG: config, ADIEU_DATA_DIR: dataDir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const document = JSON.parse(result.stdout);
      expect(document.openapi).toBe('3.1.0');
      expect(document.servers).toEqual([{ url: 'https://adieu.example.org', description: 'this deployment' }]);
      expect(document.paths['/api/cancellation'].post.operationId).toBe('submitApplication');
      expect(document.paths['/api/dev/clock'].get.operationId).toBe('devGetClock');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Each test gets a fresh data folder (and on PostgreSQL an empty database): the environment of a CLI run. */
function freshCliEnvironment(kind: string): { env: () => Record<string, string>; dataDir: () => string } {
  let dataDir = '';
  let env: Record<string, string> = {};
  let dropDatabase: () => Promise<void> = async () => undefined;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(TMP_ROOT, 'cli-'));
    env = { ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    if (kind === 'postgres') {
      const database = await emptyPostgresDatabase();
      env.DATABASE_URL = database.url;
      dropDatabase = database.drop;
    }
  });
  afterEach(async () => {
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { env: () => env, dataDir: () => dataDir };
}

describe.each(DATABASE_KINDS)('adieu migrate and audit verify (%s)', (kind) => {
  const fresh = freshCliEnvironment(kind);
  let env: Record<string, string>;
  beforeEach(() => {
    env = fresh.env();
  });

  /** Opens the same database the CLI uses, in this process. */
  async function withContext<T>(fn: (ctx: Awaited<ReturnType<typeof createContext>>) => Promise<T>): Promise<T> {
    const config = loadConfig({ env });
    const ctx = await createContext(config, { database: await openDatabase({ url: config.database.url, dataDir: config.dataDir, poolSize: 2 }), logger: createLogger('silent') });
    try {
      return await fn(ctx);
    } finally {
      await closeContext(ctx);
    }
  }

  // Each CLI run starts a process (and on the embedded database opens it from disk): minutes under load.
  it('migrates an empty database, verifies the intact chain, and names the first tampered entry', { timeout: 300_000 }, async () => {
    const migrated = await runCli(['migrate'], env);
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toBe(`migrations applied (${kind} database)\n`);
    // Twice is fine (checked on PostgreSQL only: each embedded start costs seconds).
    if (kind === 'postgres') expect((await runCli(['migrate'], env)).code).toBe(0);

    await withContext((ctx) => seedDemo(ctx));
    const intact = await runCli(['audit', 'verify'], env);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit chain intact: \d+ entries\n$/);

    await withContext((ctx) => ctx.database.executeSql(`UPDATE audit_log SET action = 'account.deleted' WHERE seq = 3`));
    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('audit chain BROKEN at entry 3: content does not match its hash\n');

    // Deleting an entry breaks the link of the next one.
    await withContext(async (ctx) => {
      await ctx.database.executeSql(`UPDATE audit_log SET action = 'account.created' WHERE seq = 3`);
      await ctx.database.executeSql(`DELETE FROM audit_log WHERE seq = 2`);
    });
    const gap = await runCli(['audit', 'verify'], env);
    expect(gap.code).toBe(1);
    expect(gap.stdout).toBe('audit chain BROKEN at entry 3: link to the previous entry is broken\n');

    const usage = await runCli(['audit'], env);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('Usage: adieu audit verify');
  });
});

describe.each(DATABASE_KINDS)('adieu staff (%s)', (kind) => {
  const fresh = freshCliEnvironment(kind);
  let env: Record<string, string>;
  beforeEach(() => {
    env = { ...fresh.env(), ADIEU_CONFIG: join(fresh.dataDir(), 'config.json') };
    writeFileSync(env.ADIEU_CONFIG, JSON.stringify({ publicUrl: 'https://adieu.example.org' }));
  });

  it('adds an admin with a one-time link, lists and removes them', { timeout: 300_000 }, async () => {
    const added = await runCli(['staff', 'add', 'Boss@Example.org', '--role', 'admin'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Created admin Boss@Example\.org\. Send them this one-time link .*\nhttps:\/\/adieu\.example\.org\/reset-password#token=[A-Za-z0-9_-]{43}\n$/);
    const listed = await runCli(['staff', 'list'], env);
    expect(listed.stdout).toBe('boss@example.org  admin,reviewer  invited\n');
    const removed = await runCli(['staff', 'remove', 'boss@example.org'], env);
    expect(removed.code).toBe(0);
    expect((await runCli(['staff', 'list'], env)).stdout).toBe('No staff accounts.\n');
    const usage = await runCli(['staff', 'add', 'someone@example.org', '--role', 'owner'], env);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('Usage: adieu staff add EMAIL --role reviewer|admin');
  });
});

/** Starts `adieu serve`, resolves with the URL it prints. */
function startServer(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.stderr.on('data', (d) => (stderr += d));
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

/** Sends a request's head and half its body, so the request is in flight until `finish`. */
async function halfSentLogin(url: string) {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ identifier: 'ada@example.com', password: 'not the password at all' });
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let answer = '';
  socket.on('data', (d) => (answer += d));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
  socket.write(body.slice(0, 10));
  return {
    async finish(): Promise<string> {
      socket.write(body.slice(10));
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
      socket.destroy();
      return answer;
    },
  };
}

describe('graceful shutdown', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(TMP_ROOT, 'cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serve: on SIGTERM stops taking requests, finishes the one in flight, exits 0', { timeout: 180_000 }, async () => {
    const server = startServer(['--port', '0', '--demo'], { ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const url = await server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await fetch(`${url}/api/health/ready`);
    expect(ready.status).toBe(200);

    const inFlight = await halfSentLogin(url);
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const answer = await inFlight.finish();
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('AUTH_INVALID_CREDENTIALS');

    expect(await server.exited).toBe(0);
    expect(server.output().stderr).toContain('SIGTERM received');
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });

  it.each(DATABASE_KINDS)('worker: on SIGTERM stops and exits 0 (%s)', { timeout: 180_000 }, async (kind) => {
    let drop: () => Promise<void> = async () => undefined;
    const env: Record<string, string> = { ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    if (kind === 'postgres') {
      const database = await emptyPostgresDatabase();
      env.DATABASE_URL = database.url;
      drop = database.drop;
    }
    try {
      const child = spawn(process.execPath, [BIN, 'worker'], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | string | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d;
          if (stdout.includes('worker started')) resolve();
        });
        void exited.then((code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
      });
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
      expect(stderr).toContain('SIGTERM received');
    } finally {
      await drop();
    }
  });
});
