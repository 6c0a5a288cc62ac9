import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, sql } from 'drizzle-orm';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/test-databases.ts';
import { appendAudit, appendAuditEntries, AUDIT_LOCK, verifyAuditChain } from '../../src/audit/audit-log.ts';
import { auditHash, GENESIS_HASH } from '../../src/audit/audit-hash.ts';
import { auditLog } from '../../src/audit/audit.tables.ts';

/**
 * The audit log's append hashes in the database what `auditHash` hashes in JavaScript (the
 * verification's side): the previous hash, a newline and the entry's canonical JSON, byte for byte,
 * whatever characters the entry holds, and several entries of one append in their order.
 */
describe.each(DATABASE_KINDS)('the audit chain (%s)', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(kind);
  });
  afterAll(() => test.drop());

  it('links each entry to the one before with the hash JavaScript computes, non-ASCII text and nested data included', async () => {
    const db = test.database.db;
    const at = new Date('2026-12-06T10:00:00.123Z');
    await db.transaction((tx) => appendAudit(tx, { at, actor: 'system', action: 'first' }));
    await db.transaction((tx) =>
      appendAuditEntries(tx, [
        { at, actor: 'sub_1', action: 'b', subject: 'sub_1', target: 'app_1', data: { note: 'Straße 北京 🙂 "quoted" \\ back', nested: { z: 1, a: [true, null, 1.5] } } },
        { at: new Date(at.getTime() + 1), actor: 'system', action: 'c', data: { z: 'last', a: 'first' } },
        { at: new Date(at.getTime() + 2), actor: 'system', action: 'd', subject: null, target: null },
      ]),
    );
    // A statement of the caller's took the lock: the append is one statement.
    await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT ${AUDIT_LOCK}`);
      await appendAuditEntries(tx, [{ at, actor: 'system', action: 'e' }], { locked: true });
    });

    const rows = await db.select().from(auditLog).orderBy(asc(auditLog.seq));
    expect(rows.map((r) => r.action)).toEqual(['first', 'b', 'c', 'd', 'e']);
    let prev = GENESIS_HASH;
    for (const row of rows) {
      expect(row.prevHash).toBe(prev);
      expect(row.hash).toBe(auditHash(prev, { ...row, data: row.data ?? {} }));
      prev = row.hash;
    }
    expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: 5 });
  });

  it('never forks when many transactions append at once', async () => {
    const db = test.database.db;
    const before = (await verifyAuditChain(db)).entries;
    await Promise.all(
      Array.from({ length: 24 }, (_, k) =>
        db.transaction((tx) =>
          appendAuditEntries(tx, [
            { at: new Date(), actor: 'system', action: `concurrent-${k}-a` },
            { at: new Date(), actor: 'system', action: `concurrent-${k}-b` },
          ]),
        ),
      ),
    );
    expect(await verifyAuditChain(db)).toEqual({ intact: true, entries: before + 48 });
  });
});
