import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import type { DatabaseKind } from '../../src/db/database.ts';
import { insertUser, findUserByIdentifier } from '../../src/accounts/users.ts';
import { openForUser, sealForUser } from '../../src/accounts/user-crypto.ts';
import { openKeyStore } from '../../src/keys/open-key-store.ts';
import { LocalKeyWrapper } from '../../src/keys/local-key-wrapper.ts';
import { bindKeyStore, readIdentity, rewrapKeyStore } from '../../src/keys/key-store-binding.ts';
import { deployment } from '../../src/keys/deployment.tables.ts';
import { KeyMissingError, type KeyStore } from '../../src/keys/key-store.ts';
import { retireSigningKey, rotateSigningKey } from '../../src/erasure/certificate-keys.ts';
import { signCertificatePayload } from '../../src/erasure/steps/certificate.ts';
import { verifyCertificate } from '../../src/erasure/certificate-verify.ts';
import { mainDatabaseRecord, reconcileKeys } from '../../src/erasure/reconcile-keys.ts';
import { erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { runKeyId } from '../../src/erasure/run-keys.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

const BIN = join(process.cwd(), 'bin', 'adieu.js');
const newKek = () => randomBytes(32);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'ADIEU_CONFIG', 'ADIEU_DATA_DIR', 'PORT', 'ADIEU_DEV_TOOLS', 'ADIEU_DEMO', 'SMTP_URL', 'REDIS_URL', 'ADIEU_KEYSTORE_URL', 'LOG_LEVEL', 'ADIEU_KEK', 'ADIEU_KEK_FILE']) delete base[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Where a test's key store lives: a folder beside an embedded main database, a separate PostgreSQL
 * key database beside a PostgreSQL main database (as a production deployment has it).
 */
interface Place {
  config: { url?: string };
  open(kek: Buffer, previous?: Buffer[]): KeyStore;
  dump(): Promise<void>;
  restore(): Promise<void>;
  /** Deletes one subject's key straight from the store, leaving no tombstone (a partial restore). */
  lose(subjectId: string): Promise<void>;
  drop(): Promise<void>;
}

async function placeFor(kind: DatabaseKind, dataDir: () => string): Promise<Place> {
  if (kind === 'embedded') {
    const backup = mkdtempSync(join(TMP_ROOT, 'keys-backup-'));
    const dir = () => join(dataDir(), 'keys');
    return {
      config: {},
      open: (kek, previous) => openKeyStore({ dataDir: dataDir(), wrapper: new LocalKeyWrapper(kek, previous) }),
      async dump() {
        cpSync(dir(), backup, { recursive: true });
      },
      async restore() {
        rmSync(dir(), { recursive: true, force: true });
        cpSync(backup, dir(), { recursive: true });
      },
      async lose(subjectId) {
        rmSync(join(dir(), 'subjects', `${subjectId}.key`));
      },
      async drop() {
        rmSync(backup, { recursive: true, force: true });
      },
    };
  }
  const keysDb = await createTestDatabase('postgres');
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: keysDb.url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  return {
    config: { url: keysDb.url },
    open: (kek, previous) => openKeyStore({ url: keysDb.url, dataDir: '', wrapper: new LocalKeyWrapper(kek, previous) }),
    // A logical dump of the key table and its restore, as pg_dump/pg_restore of the key database would do.
    dump: () => sql('DROP TABLE IF EXISTS keys_dump; CREATE TABLE keys_dump AS SELECT * FROM adieu_keys'),
    restore: () => sql('TRUNCATE adieu_keys; INSERT INTO adieu_keys SELECT * FROM keys_dump'),
    lose: (subjectId) => sql(`DELETE FROM adieu_keys WHERE kind = 'subject' AND id = '${subjectId.replace(/[^A-Za-z0-9_-]/g, '')}'`),
    drop: () => keysDb.drop(),
  };
}

describe.each(DATABASE_KINDS)('keys a platform can trust (%s)', (kind) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  async function app(kek: Buffer): Promise<{ t: TestApp; place: Place }> {
    let t: TestApp | null = null;
    const place = await placeFor(kind, () => t!.dataDir);
    cleanup.push(() => place.drop());
    t = await createTestApp(kind, { keys: { ...place.config, kek: kek.toString('base64') } });
    cleanup.push(() => t!.close());
    return { t, place };
  }

  async function emptyPlace(): Promise<KeyStore & { location: string }> {
    if (kind === 'embedded') {
      const dir = mkdtempSync(join(TMP_ROOT, 'keys-empty-'));
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
      return Object.assign(openKeyStore({ url: dir, dataDir: '', wrapper: new LocalKeyWrapper(newKek()) }), { location: dir });
    }
    const db: TestDatabase = await createTestDatabase('postgres');
    cleanup.push(() => db.drop());
    const store = openKeyStore({ url: db.url, dataDir: '', wrapper: new LocalKeyWrapper(newKek()) });
    cleanup.push(() => store.close());
    return Object.assign(store, { location: db.url! });
  }

  it('refuses an empty key store and another deployment\'s while the main database has buyers, naming both ids; binds at first start', async () => {
    const kek = newKek();
    const { t } = await app(kek);
    await insertUser(t.ctx, t.ctx.db, { email: `ada-${randomTag()}@example.com`, displayName: 'Ada', password: 'x' });
    const [main] = await t.ctx.db.select().from(deployment);
    const identity = (await readIdentity(t.ctx.keys))!;
    expect(main.keyStoreId).toBe(identity.storeId);
    expect(identity.databaseId).toBe(main.databaseId);

    const empty = await emptyPlace();
    const refused = await bindKeyStore(t.ctx.db, empty).catch((e: Error) => e.message);
    expect(refused).toMatch(/^key store refused: /);
    expect(refused).toContain(main.databaseId);
    expect(refused).toContain(identity.storeId);
    expect(refused).not.toContain('\n');
    // Nothing was minted into the empty store.
    expect(await empty.hasKeys()).toBe(false);

    // Another deployment's key store (bound to its own main database).
    const other = await app(newKek());
    const otherIdentity = (await readIdentity(other.t.ctx.keys))!;
    const foreign = await bindKeyStore(t.ctx.db, other.t.ctx.keys).catch((e: Error) => e.message);
    expect(foreign).toMatch(/^key store refused: /);
    for (const id of [otherIdentity.storeId, otherIdentity.databaseId, main.databaseId]) expect(foreign).toContain(id);

    // A new main database and a new key store: first start binds them.
    const fresh = await createTestDatabase(kind);
    cleanup.push(() => fresh.drop());
    const bound = await bindKeyStore(fresh.database.db, empty);
    expect(bound.storeId).toMatch(/^ks_[0-9a-f]{16}$/);
    expect((await readIdentity(empty))!.databaseId).toBe(bound.databaseId);

    if (kind === 'postgres') {
      // The same refusal from a real start and from `adieu doctor`, as one line each.
      const env = { DATABASE_URL: t.testDb.url!, ADIEU_KEYSTORE_URL: (await emptyPlace()).location, ADIEU_KEK: kek.toString('base64'), ADIEU_DATA_DIR: t.dataDir };
      const serve = await runCli(['serve', '--no-worker', '--port', '0'], env);
      expect(serve.code).toBe(1);
      expect(serve.stderr).toMatch(new RegExp(`^adieu: key store refused: .*${main.databaseId}.*${identity.storeId}.*$`, 'm'));
      const doctor = await runCli(['doctor'], env);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toMatch(new RegExp(`key store identity.*${main.databaseId}`));
    }
  });

  it('refuses a wrong KEK at start; rewraps every key to a new KEK and every buyer still decrypts', async () => {
    const oldKek = newKek();
    const { t, place } = await app(oldKek);
    const emails = [0, 1, 2].map((i) => `buyer${i}-${randomTag()}@example.com`);
    const ids: string[] = [];
    for (const email of emails) ids.push((await insertUser(t.ctx, t.ctx.db, { email, displayName: 'B', password: 'x' })).id);

    const wrong = place.open(newKek());
    cleanup.push(() => wrong.close());
    await expect(bindKeyStore(t.ctx.db, wrong)).rejects.toThrow(/^key store refused: ADIEU_KEK does not open .*kek_[0-9a-f]{16}/);

    const nextKek = newKek();
    // Servers run with the new KEK and the old one as previous while the rewrap moves every key.
    const during = place.open(nextKek, [oldKek]);
    cleanup.push(() => during.close());
    await bindKeyStore(t.ctx.db, during);
    const { rewrapped, total } = await rewrapKeyStore(during);
    expect(rewrapped).toBe(total);
    expect(total).toBeGreaterThanOrEqual(4); // three buyers and the blind-index secret at least

    const after = place.open(nextKek);
    await bindKeyStore(t.ctx.db, after);
    await t.ctx.keys.close();
    t.ctx.keys = after;
    for (const [i, id] of ids.entries()) {
      expect(await openForUser(t.ctx, id, 'email', (await findUserByIdentifier(t.ctx, { kind: 'email', value: emails[i] }))!.emailEnc)).toBe(emails[i]);
    }
    const old = place.open(oldKek);
    cleanup.push(() => old.close());
    await expect(bindKeyStore(t.ctx.db, old)).rejects.toThrow(/ADIEU_KEK does not open/);
  });

  it('mints a key only for a new buyer: an existing buyer whose key is lost is refused clearly, and no new key is made', async () => {
    const { t, place } = await app(newKek());
    const client = new Client(t.app);
    const email = `lost-${randomTag()}@example.com`;
    const signup = await client.post('/api/auth/signup', { email, password: 'a long enough passphrase', displayName: 'Lost' });
    expect(signup.statusCode).toBe(201);
    const userId = signup.json().userId as string;
    expect(await t.ctx.keys.findSubjectKey(userId)).not.toBeNull();

    // The key store comes back from a backup older than this buyer: their key is gone, no tombstone.
    await place.lose(userId);
    const login = await new Client(t.app).post('/api/auth/login', { identifier: email, password: 'a long enough passphrase' });
    expect(login.statusCode).toBe(503);
    expect(login.json().error.code).toBe('KEY_MISSING');
    expect(login.body).not.toContain(userId);
    await expect(sealForUser(t.ctx, userId, 'antiPhishing', 'Blue42')).rejects.toBeInstanceOf(KeyMissingError);
    await expect(sealForUser(t.ctx, userId, 'antiPhishing', 'Blue42')).rejects.toThrow(/missing from the key store: restore the key store .*no new key was made/);
    // Nothing was minted in its place, and no tombstone either: restoring the key brings the buyer back.
    expect(await t.ctx.keys.findSubjectKey(userId)).toBeNull();
    await expect(t.ctx.keys.subjectKey(userId)).rejects.toBeInstanceOf(KeyMissingError);
    // Minting stays refused for an existing subject, whatever the caller.
    const again = await new Client(t.app).post('/api/auth/signup', { email: `new-${randomTag()}@example.com`, password: 'a long enough passphrase', displayName: 'New' });
    expect(again.statusCode).toBe(201);
    expect(await t.ctx.keys.findSubjectKey(again.json().userId)).not.toBeNull();
    await expect(t.ctx.keys.createSubjectKey(again.json().userId)).rejects.toThrow(/already has a key/);
  });

  it('rotates the signing key: old and new certificates verify with the published JWKS and the offline verifier', async () => {
    const { t } = await app(newKek());
    const payload = (id: string) => ({ type: 'adieu.deletion-certificate', id, subject: 'sub_x', requestId: 'app_x', issuedAt: new Date().toISOString() });
    const first = await signCertificatePayload(t.ctx.keys, payload('cert_first'));
    const added = await rotateSigningKey(t.ctx.keys);
    const second = await signCertificatePayload(t.ctx.keys, payload('cert_second'));
    const kidOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString()).kid as string;
    expect(kidOf(second)).toBe(added.kid);
    expect(kidOf(first)).not.toBe(added.kid);

    const jwks = () => t.app.inject({ url: '/.well-known/adieu/certificate-keys' }).then((r) => r.json() as { keys: Array<{ kid: string }> });
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([added.kid, kidOf(first)]);
    await retireSigningKey(t.ctx.keys, kidOf(first));
    await expect(retireSigningKey(t.ctx.keys, added.kid)).rejects.toThrow(/active signing key/);
    const published = await jwks();
    expect(published.keys.map((k) => k.kid)).toEqual([added.kid, kidOf(first)]);

    const dir = mkdtempSync(join(TMP_ROOT, 'rotate-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(published));
    for (const [name, jws] of [['first', first], ['second', second]] as const) {
      expect(await verifyCertificate(jws, published as never)).toMatchObject({ valid: true, kid: kidOf(jws) });
      writeFileSync(join(dir, `${name}.jws`), jws);
      const offline = await runCli(['verify-certificate', join(dir, `${name}.jws`), '--keys', join(dir, 'keys.json')], {});
      expect(offline.stdout).toContain(`VALID: certificate cert_${name}`);
      expect(offline.code).toBe(0);
    }

    // The command an operator runs: a third key, published beside the two others.
    const rotate = await runCli(['keys', 'rotate-signing'], { ADIEU_CONFIG: join(t.dataDir, 'config.json'), ADIEU_DATA_DIR: t.dataDir });
    expect(rotate.stderr).toBe('');
    expect(rotate.code).toBe(0);
    const third = rotate.stdout.match(/signing key (\S+) is active/)![1];
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([third, added.kid, kidOf(first)]);
    expect(kidOf(await signCertificatePayload(t.ctx.keys, payload('cert_third')))).toBe(third);
  });

  it('after a restore of an old key-store dump, reconcile destroys the erased buyer\'s key again', async () => {
    const { t, place } = await app(newKek());
    const buyer = await insertUser(t.ctx, t.ctx.db, { email: `gone-${randomTag()}@example.com`, displayName: 'Gone', password: 'x' });
    const keeper = await insertUser(t.ctx, t.ctx.db, { email: `kept-${randomTag()}@example.com`, displayName: 'Kept', password: 'x' });
    const { applicationId } = await giveBuyerEverything(t.ctx, buyer.id, randomTag());
    // The nightly backup, taken before the erasure.
    await place.dump();
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('completed');
    expect(await t.ctx.keys.findSubjectKey(buyer.id)).toBeNull();

    // The key store is lost and restored from that backup: the erased buyer's key is back.
    await place.restore();
    const restored = place.open(Buffer.from(t.ctx.config.keys.kek!, 'base64'));
    cleanup.push(() => restored.close());
    await bindKeyStore(t.ctx.db, restored);
    expect(await restored.findSubjectKey(buyer.id)).not.toBeNull();
    // The run's own key was made after the backup: absent, but it must never be minted again either.
    expect(await restored.findSubjectKey(runKeyId(runId))).toBeNull();

    const dry = await reconcileKeys(restored, [mainDatabaseRecord(t.ctx.db)], { dryRun: true });
    expect(dry).toEqual({ checked: 2, resurrected: [buyer.id] });
    expect(await restored.findSubjectKey(buyer.id)).not.toBeNull();
    const done = await reconcileKeys(restored, [mainDatabaseRecord(t.ctx.db)]);
    expect(done).toEqual({ checked: 2, resurrected: [buyer.id] });
    await expect(restored.subjectKey(runKeyId(runId))).rejects.toThrow(/destroyed/);
    expect(await restored.findSubjectKey(buyer.id)).toBeNull();
    expect(await restored.findSubjectKey(runKeyId(runId))).toBeNull();
    await expect(restored.subjectKey(buyer.id)).rejects.toThrow(/destroyed/);
    expect(await restored.findSubjectKey(keeper.id)).not.toBeNull();
    expect((await reconcileKeys(restored, [mainDatabaseRecord(t.ctx.db)])).resurrected).toEqual([]);
  });
});
