import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import { openDatabase, wrapPglite, type Database } from '../../src/db/database.ts';
import { closeContext, createContext, type AppContext } from '../../src/app/create-context.ts';
import { createLogger } from '../../src/logger.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { documents } from '../../src/documents/documents.tables.ts';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import { ERASURE_HOOKS } from '../../src/app/job-handlers.ts';
import { reappliedCount, reapplyErasures } from '../../src/erasure/reapply.ts';
import { forgetHash } from '../../src/erasure/forget/forget-list.ts';
import { listForgottenSubjects } from '../../src/erasure/forget/record-run.ts';
import { storedDocumentNames } from '../helpers/document-bytes.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { beginErasure, drainJobs, dumpOthers, findAnywhere, giveBuyerEverything, randomTag, subjectOf } from './erasure-fixtures.ts';

/**
 * The backup-restore procedure of docs/backup-restore.md, for real: a dump of the main database is
 * taken, a buyer is erased, the dump is restored (the buyer is back, in Adieu's tables and in the
 * platform's plaintext ones), and `erase --reapply --since <dump time>` erases them again from the
 * forget list (kept with the keys, not in the dump), verified by the same scan.
 */
describe.each(DATABASE_KINDS)('a restore followed by erase --reapply (%s)', (kind) => {
  let t: TestApp;
  let restored: { database: Database; drop: () => Promise<void> } | null = null;
  let ctx2: AppContext | null = null;

  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(async () => {
    if (ctx2) await closeContext(ctx2);
    if (restored) await restored.drop();
    ctx2 = null;
    restored = null;
    await t.close();
  });

  /** A backup of the main database: PGlite's data directory, or pg_dump (plain SQL). */
  async function takeBackup(): Promise<() => Promise<{ database: Database; drop: () => Promise<void> }>> {
    if (kind === 'embedded') {
      const dump = await t.ctx.database.pglite!.dumpDataDir('none');
      return async () => {
        const database = wrapPglite(await PGlite.create({ loadDataDir: dump }));
        return { database, drop: () => database.close() };
      };
    }
    const file = join(TMP_ROOT, `backup-${randomBytes(4).toString('hex')}.sql`);
    execFileSync('pg_dump', ['--no-owner', '--file', file, t.testDb.url!]);
    return async () => {
      const base = process.env.TEST_DATABASE_URL!;
      const name = `adieu_restore_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = withDatabase(base, name);
      execFileSync('psql', ['--quiet', '--set', 'ON_ERROR_STOP=1', '--file', file, url], { stdio: ['ignore', 'ignore', 'pipe'] });
      const database = await openDatabase({ url, dataDir: '', poolSize: 3 });
      return {
        database,
        async drop() {
          await database.close();
          const again = new pg.Client({ connectionString: base });
          await again.connect();
          await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await again.end();
        },
      };
    };
  }

  it('brings an erased buyer back, then erases them again from the forget list, exactly once each', async () => {
    const ctx = t.ctx;
    const ada = (await findUserByIdentifier(ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const ben = (await findUserByIdentifier(ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
    const tag = randomTag();
    const seeded = await giveBuyerEverything(ctx, ada, tag);
    await giveBuyerEverything(ctx, ben, randomTag());
    const subject = await subjectOf(ctx, ada);
    const othersBefore = await dumpOthers(ctx, ada, subject);
    const needles = ['Ada Lovelace', '88 Huaihai', tag, ...seeded.values];

    // The nightly backup, then the erasure.
    const restore = await takeBackup();
    const backupTakenAt = new Date(ctx.clock.now().getTime() - 1000);
    const runId = await beginErasure(ctx, seeded.applicationId);
    await drainJobs(ctx);
    const [run] = await ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.failureReason).toBeNull();
    expect(run.state).toBe('completed');
    expect(await findAnywhere(ctx, t.dataDir, needles)).toEqual([]);

    // The forget list (beside the keys) holds a keyed hash of her id and the steps the run did.
    const listed = await listForgottenSubjects(ctx, backupTakenAt);
    expect(listed.map((e) => e.subjectHash)).toEqual([await forgetHash(ctx.keys, ada)]);
    expect(listed[0].completedAt).not.toBeNull();
    expect(listed[0].steps.filter((s) => s.spec.kind === 'sql').length).toBeGreaterThan(10);
    expect(listed[0].steps.every((s) => s.rows !== null || s.spec.kind === 'finish')).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(ada);
    expect(JSON.stringify(listed)).not.toContain(subject);

    // Disaster: the main database is restored from the backup. Ada is back in every table.
    restored = await restore();
    ctx2 = await createContext(ctx.config, { database: restored.database, logger: createLogger('silent') });
    const back = await findAnywhere(ctx2, t.dataDir, needles);
    expect(back.length).toBeGreaterThan(5);
    const [account] = await ctx2.db.select().from(users).where(eq(users.id, ada));
    expect(account.status).not.toBe('erased');
    const restoredDocs = await ctx2.db.select().from(documents).where(eq(documents.userId, ada));
    expect(restoredDocs.some((d) => d.wrappedKey !== null)).toBe(true);
    if (kind === 'postgres') expect(await storedDocumentNames(ctx2)).toContain(restoredDocs[0].storageName);

    // `adieu erase --reapply --since <backup time>`
    const report = await reapplyErasures(ctx2, ERASURE_HOOKS, backupTakenAt);
    expect(report).toMatchObject({ onList: 1, reapplied: 1, absent: 0, failed: 0 });
    expect(report.subjects[0]).toMatchObject({ subjectId: subject, outcome: 'reapplied', found: [] });
    expect(report.subjects[0].rows).toBeGreaterThan(5);

    // Gone again: every value, the document bytes, the account a tombstone; others untouched.
    expect(await findAnywhere(ctx2, t.dataDir, needles)).toEqual([]);
    const [tombstone] = await ctx2.db.select().from(users).where(eq(users.id, ada));
    expect(tombstone).toMatchObject({ status: 'erased', emailEnc: null, emailIndex: null, phoneIndex: null, passwordHash: null });
    const docs = await ctx2.db.select().from(documents).where(eq(documents.userId, ada));
    expect(docs.every((d) => d.wrappedKey === null && d.fileRemovedAt !== null)).toBe(true);
    const names = await storedDocumentNames(ctx2);
    for (const d of docs) expect(names).not.toContain(d.storageName);
    expect(await dumpOthers(ctx2, ada, subject)).toEqual(othersBefore);
    expect(await reappliedCount(ctx2, subject)).toBe(1);
    expect((await verifyAuditChain(ctx2.db)).intact).toBe(true);
    expect((await listForgottenSubjects(ctx2, backupTakenAt))[0].reappliedAt).not.toBeNull();

    // A backup older than the account's erasure but a --since after it: nothing to do.
    const later = await reapplyErasures(ctx2, ERASURE_HOOKS, new Date(ctx.clock.now().getTime() + 60_000));
    expect(later).toMatchObject({ onList: 0, reapplied: 0 });
  }, 180_000);
});
