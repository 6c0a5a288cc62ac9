import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { closeContext, createContext, type AppContext } from '../../src/app/create-context.ts';
import { createLogger } from '../../src/logger.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { insertUser } from '../../src/accounts/users.ts';
import { hashPassword } from '../../src/accounts/password/password-hasher.ts';
import { applications } from '../../src/cancellation/cancellation.tables.ts';
import { documentBlobs, documents } from '../../src/documents/documents.tables.ts';
import { queryRows } from '../../src/db/sql.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { expectStatus, HttpBrowser, spawnAdieu, stopAdieu, type AdieuProcess } from '../helpers/adieu-process.ts';

/**
 * Servers on different hosts share nothing but the databases: each process here has a data folder
 * of its own (as separate machines would). A buyer uploads through server A, a reviewer views the
 * photo through server B, the buyer withdraws and a worker (its own folder too) disposes of the
 * bytes; a second buyer is approved and erased by that worker. No process writes a document to
 * its folder. PostgreSQL only (PGlite is one process).
 */

const PASSWORD = 'separate folders passphrase';
/** One key-encryption key for every process (without it each would generate its own beside its data). */
const KEK = randomBytes(32).toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, diagnose: () => string): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${diagnose()}`);
    await sleep(500);
  }
}

const documentFiles = (dir: string) => (existsSync(join(dir, 'documents')) ? readdirSync(join(dir, 'documents')) : []);

describe.skipIf(!process.env.TEST_DATABASE_URL)('servers and a worker with separate data folders', () => {
  let main: TestDatabase;
  let keys: TestDatabase;
  const dirs: Record<'a' | 'b' | 'worker' | 'test', string> = { a: '', b: '', worker: '', test: '' };
  let ctx: AppContext;
  const procs: AdieuProcess[] = [];

  beforeAll(async () => {
    main = await createTestDatabase('postgres');
    keys = await createTestDatabase('postgres');
    for (const name of Object.keys(dirs) as Array<keyof typeof dirs>) dirs[name] = mkdtempSync(join(TMP_ROOT, `separate-${name}-`));
    ctx = await createContext(loadConfig({ env: { DATABASE_URL: main.url!, ADIEU_KEYSTORE_URL: keys.url!, ADIEU_KEK: KEK, ADIEU_DATA_DIR: dirs.test, ADIEU_DEV_TOOLS: 'true' } }), {
      database: main.database,
      logger: createLogger('silent'),
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => stopAdieu(p)));
    await closeContext(ctx).catch(() => undefined);
    await keys?.drop();
    await main?.drop();
    for (const dir of Object.values(dirs)) if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('uploads through A, shows through B, disposes and erases on the worker, and no folder holds a document', async () => {
    await seedDemo(ctx);
    const passwordHash = await hashPassword(PASSWORD);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000);
    for (const email of ['withdraws@example.com', 'erased@example.com']) {
      await ctx.db.transaction((tx) => insertUser(ctx, tx, { email, password: PASSWORD, passwordHash, displayName: 'Separate', createdAt: monthAgo }));
    }

    const env = (dir: string) => ({ DATABASE_URL: main.url!, ADIEU_KEYSTORE_URL: keys.url!, ADIEU_KEK: KEK, ADIEU_DATA_DIR: dir, ADIEU_DEV_TOOLS: 'true', LOG_LEVEL: 'warn' });
    const [a, b] = await Promise.all([
      spawnAdieu('server-a', ['serve', '--no-worker', '--port', '0'], env(dirs.a), /listening on (http:\/\/\S+)/),
      spawnAdieu('server-b', ['serve', '--no-worker', '--port', '0'], env(dirs.b), /listening on (http:\/\/\S+)/),
    ]);
    procs.push(a, b);
    const worker = await spawnAdieu('worker', ['worker'], env(dirs.worker), /worker started/);
    procs.push(worker);
    const diagnose = () => procs.map((p) => `--- ${p.name}\n${p.output().slice(-1500)}`).join('\n');

    const photo = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 200, g: 180, b: 160 } } })
      .jpeg()
      .toBuffer();
    const apply = async (email: string, key: string) => {
      const buyer = new HttpBrowser();
      await buyer.signIn(a.url!, email, PASSWORD);
      expectStatus(await buyer.request(a.url!, 'POST', '/api/auth/reauth', { password: PASSWORD }), 200, 'reauth');
      const form = new FormData();
      form.append('kind', 'id_front');
      form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'id.jpg');
      const doc = expectStatus(await buyer.request(a.url!, 'POST', '/api/cancellation/documents', form), 201, 'upload through A');
      const application = expectStatus(
        await buyer.request(a.url!, 'POST', '/api/cancellation', { reasonCode: 'NO_LONGER_USE', documentIds: [doc.documentId], acknowledge: true }, { 'idempotency-key': key }),
        201,
        'submit',
      );
      return { buyer, documentId: doc.documentId as string, applicationId: application.id as string };
    };
    const first = await apply('withdraws@example.com', 'separate-1');
    const second = await apply('erased@example.com', 'separate-2');

    // The reviewer works on server B, which never received the upload.
    const reviewer = new HttpBrowser();
    await reviewer.signIn(b.url!, 'reviewer@example.com', 'demo-reviewer-1');
    for (const { applicationId, documentId } of [first, second]) {
      expectStatus(await reviewer.request(b.url!, 'POST', `/api/review/applications/${applicationId}/claim`), 200, 'claim on B');
      const image = await reviewer.request(b.url!, 'GET', `/api/review/applications/${applicationId}/documents/${documentId}`);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      expect((await sharp(image.bytes).metadata()).width).toBe(320);
    }
    expect(await ctx.db.select({ n: sql<number>`count(*)::int` }).from(documentBlobs)).toEqual([{ n: 2 }]);

    // Withdrawal: the worker (its own folder) disposes of the first buyer's document.
    expectStatus(await first.buyer.request(a.url!, 'POST', '/api/cancellation/withdraw'), 200, 'withdraw');
    const [firstDoc] = await ctx.db.select().from(documents).where(eq(documents.id, first.documentId));
    await waitFor(
      'the worker to dispose of the withdrawn document',
      async () => {
        const [row] = await ctx.db.select().from(documents).where(eq(documents.id, first.documentId));
        return row.fileRemovedAt !== null;
      },
      diagnose,
    );
    expect(await ctx.db.select().from(documentBlobs).where(eq(documentBlobs.storageName, firstDoc.storageName))).toEqual([]);

    // Approval on B; the grace period passes on the shared clock; the worker's tick erases the buyer.
    expectStatus(await reviewer.request(b.url!, 'POST', `/api/review/applications/${second.applicationId}/decision`, { outcome: 'approve' }), 200, 'approve');
    expectStatus(await new HttpBrowser().request(b.url!, 'POST', '/api/dev/clock', { advance: `P${ctx.config.erasure.graceDays + 1}D` }), 200, 'clock');
    await waitFor(
      'the worker to erase the approved buyer',
      async () => {
        await ctx.jobs.enqueue(ctx.db, QUEUES.tick.name, {});
        const [row] = await ctx.db.select({ status: applications.status }).from(applications).where(eq(applications.id, second.applicationId));
        return row.status === 'erased';
      },
      diagnose,
    );
    expect(await queryRows(ctx.db, sql`SELECT storage_name FROM document_blobs`)).toEqual([]);
    const [secondDoc] = await ctx.db.select().from(documents).where(eq(documents.id, second.documentId));
    expect(secondDoc).toMatchObject({ wrappedKey: null, destroyReason: 'erasure' });
    expect(secondDoc.fileRemovedAt).not.toBeNull();

    // Nothing of any document on any process's disk.
    for (const dir of Object.values(dirs)) expect(documentFiles(dir)).toEqual([]);
  }, 300_000);
});
