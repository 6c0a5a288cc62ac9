import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { closeContext, createContext, type AppContext } from '../../src/app/create-context.ts';
import { createLogger } from '../../src/logger.ts';
import { insertUser } from '../../src/accounts/users.ts';
import { hashPassword } from '../../src/accounts/password/password-hasher.ts';
import { createSession, hashToken, resolveSession } from '../../src/accounts/sessions.ts';
import { sessions, users } from '../../src/accounts/accounts.tables.ts';
import { applicationEvents, applications } from '../../src/cancellation/cancellation.tables.ts';
import { latestApplicationView } from '../../src/cancellation/application-view.ts';
import { newId } from '../../src/ids.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';

const PASSWORD = 'session cache passphrase';
const BIN = resolve('bin/adieu.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds; fails when the deadline passes first (a bound, not a speed claim). */
async function within<T>(what: string, ms: number, check: () => Promise<T | null | false>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(20);
  }
}

async function newBuyer(ctx: AppContext, email: string) {
  const passwordHash = await hashPassword(PASSWORD);
  return ctx.db.transaction((tx) => insertUser(ctx, tx, { email, password: PASSWORD, passwordHash, displayName: 'Cache Buyer', createdAt: new Date(Date.now() - 30 * 86_400_000) }));
}

describe.each(DATABASE_KINDS)('session cache (%s)', (kind) => {
  let t: TestDatabase;
  let ctx: AppContext;
  let dataDir: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    dataDir = mkdtempSync(join(TMP_ROOT, 'session-cache-'));
    ctx = await createContext(loadConfig({ env: { ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'silent' } }), { database: t.database, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await closeContext(ctx);
    await t.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a session from memory, and forgets it the moment any statement changes it', async () => {
    const user = await newBuyer(ctx, `cache-${kind}@example.com`);
    const { token } = await createSession(ctx, ctx.db, user.id, 'test');
    await within('the cache serves', 5000, async () => (await resolveSession(ctx, token)) && ctx.sessionCache.serving);
    await resolveSession(ctx, token);
    expect(ctx.sessionCache.get(hashToken(token))?.user.id).toBe(user.id);

    // A change no service function made (as an erasure's SQL step would): the cached copy goes with the commit.
    await ctx.db.update(users).set({ roles: ['buyer', 'reviewer'] }).where(eq(users.id, user.id));
    expect(ctx.sessionCache.get(hashToken(token))).toBeUndefined();
    expect((await resolveSession(ctx, token))?.user.roles).toEqual(['buyer', 'reviewer']);

    await ctx.db.delete(sessions).where(eq(sessions.userId, user.id));
    expect(await resolveSession(ctx, token)).toBeNull();
  });

  it("keeps the buyer's status page while signed in, and drops it with any write to their applications or timeline", async () => {
    const user = await newBuyer(ctx, `page-${kind}@example.com`);
    const { token } = await createSession(ctx, ctx.db, user.id, 'test');
    await within('the cache serves', 5000, async () => (await resolveSession(ctx, token)) && ctx.sessionCache.serving);
    expect(await latestApplicationView(ctx, ctx.db, user.id)).toBeNull();
    expect(ctx.sessionCache.getRead(user.id, 'latestApplication')).toBeNull();

    const now = new Date();
    const id = newId('app');
    await ctx.db.insert(applications).values({ id, userId: user.id, status: 'submitted', version: 1, reasonCode: 'NO_LONGER_USE', submittedAt: now, cycleStartedAt: now, dueAt: now, slaRemindAt: now, updatedAt: now });
    expect(ctx.sessionCache.getRead(user.id, 'latestApplication')).toBeUndefined();
    expect((await latestApplicationView(ctx, ctx.db, user.id))?.timeline).toEqual([]);

    await ctx.db.insert(applicationEvents).values({ id: newId('evt'), applicationId: id, at: now, event: 'submitted', actorRole: 'buyer' });
    expect(ctx.sessionCache.getRead(user.id, 'latestApplication')).toBeUndefined();
    expect((await latestApplicationView(ctx, ctx.db, user.id))?.timeline.map((e) => e.event)).toEqual(['submitted']);

    await ctx.db.update(applications).set({ status: 'withdrawn' }).where(eq(applications.id, id));
    expect((await latestApplicationView(ctx, ctx.db, user.id))?.status).toBe('withdrawn');
  });

  it('does not forget a session for its last-seen time moving', async () => {
    const user = await newBuyer(ctx, `touch-${kind}@example.com`);
    const { token, session } = await createSession(ctx, ctx.db, user.id, 'test');
    await resolveSession(ctx, token);
    await ctx.db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, session.id));
    expect(ctx.sessionCache.get(hashToken(token))?.session.id).toBe(session.id);
  });

  it.skipIf(kind !== 'postgres')('empties itself when its listening connection drops, and serves again once it listens', async () => {
    const user = await newBuyer(ctx, `reconnect-${kind}@example.com`);
    const { token } = await createSession(ctx, ctx.db, user.id, 'test');
    await resolveSession(ctx, token);
    expect(ctx.sessionCache.size).toBeGreaterThan(0);
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    try {
      // Notifications sent while it was away are lost: what it held may be stale.
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'adieu-session-notices' AND datname = current_database()`);
      await within('the cache is emptied', 5000, async () => !ctx.sessionCache.serving && ctx.sessionCache.size === 0);
      expect(ctx.sessionCache.get(hashToken(token))).toBeUndefined();
      await within('the cache serves again', 10_000, async () => {
        await resolveSession(ctx, token);
        return ctx.sessionCache.serving && ctx.sessionCache.size > 0;
      });
    } finally {
      await admin.end();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Two server processes on one PostgreSQL: what one ends, the other refuses within a second.

interface Proc {
  child: ChildProcess;
  url: string;
}

function spawnServer(env: Record<string, string>): Promise<Proc> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'ADIEU_KEYSTORE_URL', 'ADIEU_CONFIG', 'ADIEU_DATA_DIR', 'PORT', 'ADIEU_DEMO', 'NODE_ENV', 'REDIS_URL']) delete childEnv[key];
  const child = spawn(process.execPath, [BIN, 'serve', '--no-worker', '--port', '0'], { env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) resolvePromise({ child, url: m[1] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${output.slice(-3000)}`)));
  });
}

async function stop(proc: Proc | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000).then(() => proc.child.kill('SIGKILL'))]);
}

async function call(base: string, method: string, path: string, cookie: string, csrf?: string, body?: unknown) {
  const headers: Record<string, string> = { cookie };
  if (csrf) headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const set = response.headers.getSetCookie().find((c) => c.startsWith('adieu_session='));
  return { status: response.status, body: text ? JSON.parse(text) : null, cookie: set?.split(';')[0] };
}

async function signIn(base: string, identifier: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier, password: PASSWORD }) });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { csrfToken: string };
  return { cookie: response.headers.getSetCookie().find((c) => c.startsWith('adieu_session='))!.split(';')[0], csrf: body.csrfToken };
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('session cache across two servers on one PostgreSQL', () => {
  let main: TestDatabase;
  let keys: TestDatabase;
  let dataDir: string;
  let ctx: AppContext;
  const servers: Proc[] = [];

  beforeAll(async () => {
    main = await createTestDatabase('postgres');
    keys = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(TMP_ROOT, 'session-cache-mp-'));
    const env = { DATABASE_URL: main.url!, ADIEU_KEYSTORE_URL: keys.url!, ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    ctx = await createContext(loadConfig({ env: { ...env } }), { database: main.database, logger: createLogger('silent') });
    servers.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map(stop));
    await closeContext(ctx).catch(() => undefined);
    await keys?.drop();
    await main?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** Both servers answer the session, the second from memory once it has seen it. */
  async function cachedOnBoth(cookie: string): Promise<void> {
    for (const server of servers) {
      for (let i = 0; i < 3; i++) expect((await call(server.url, 'GET', '/api/account', cookie)).status).toBe(200);
    }
  }

  it('a session signed out on one server is refused by the other within a second', async () => {
    await newBuyer(ctx, 'mp-signout@example.com');
    const { cookie, csrf } = await signIn(servers[0].url, 'mp-signout@example.com');
    await cachedOnBoth(cookie);
    expect((await call(servers[0].url, 'POST', '/api/auth/logout', cookie, csrf)).status).toBeLessThan(300);
    await within('server 2 refuses the signed-out session', 1000, async () => (await call(servers[1].url, 'GET', '/api/account', cookie)).status === 401);
  });

  it('the token a step-up replaced is refused by the other server within a second', async () => {
    await newBuyer(ctx, 'mp-stepup@example.com');
    const { cookie, csrf } = await signIn(servers[0].url, 'mp-stepup@example.com');
    await cachedOnBoth(cookie);
    const reauth = await call(servers[0].url, 'POST', '/api/auth/reauth', cookie, csrf, { password: PASSWORD });
    expect(reauth.status).toBe(200);
    expect(reauth.cookie).toBeTruthy();
    await within('server 2 refuses the replaced token', 1000, async () => (await call(servers[1].url, 'GET', '/api/account', cookie)).status === 401);
    expect((await call(servers[1].url, 'GET', '/api/account', reauth.cookie!)).status).toBe(200);
  });

  it('sessions ended by another process (a worker, the CLI) are refused by both servers within a second', async () => {
    const user = await newBuyer(ctx, 'mp-ended@example.com');
    const { cookie } = await signIn(servers[0].url, 'mp-ended@example.com');
    await cachedOnBoth(cookie);
    await ctx.db.delete(sessions).where(eq(sessions.userId, user.id));
    for (const server of servers) await within('the server refuses the ended session', 1000, async () => (await call(server.url, 'GET', '/api/account', cookie)).status === 401);
  });
});
