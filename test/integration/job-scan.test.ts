import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { enqueueNotification } from '../../src/accounts/notifications.ts';
import { erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { retryFailedRun } from '../../src/erasure/admin-actions.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { queryRows } from '../../src/db/sql.ts';
import { newId } from '../../src/ids.ts';
import { beginErasure, demoAppWithAda, demoBuyer, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

const JOB_COLUMNS = 'id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff, start_after, expire_in, created_on, keep_until, output';

describe.each(DATABASE_KINDS)('the erasure scan of the job tables (%s)', (kind) => {
  let t: TestApp;
  let ada: string;
  let ben: string;
  beforeEach(async () => {
    ({ t, ada } = await demoAppWithAda(kind));
    ben = await demoBuyer(t.ctx, 'ben@example.com');
  });
  afterEach(() => t.close());

  const runOf = async (runId: string) => (await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId)))[0];

  it("still finds a buyer's value in a job of a queue that can carry free text, waiting or archived", async () => {
    const ctx = t.ctx;
    // A notification to Ben whose template variable quotes Ada's email: notify is not ids only.
    await ctx.db.transaction((tx) => enqueueNotification(ctx, tx, { userId: ben, template: 'export_ready', vars: { note: 'ask ada@example.com' }, channel: 'email' }));
    const { applicationId } = await giveBuyerEverything(ctx, ada, randomTag());
    const runId = await beginErasure(ctx, applicationId);
    await drainJobs(ctx);
    const failed = await runOf(runId);
    expect(failed.state).toBe('failed');
    expect(failed.failureReason).toContain('email in adieu:pgboss.job');
    expect(failed.failureReason).not.toContain('ada@example.com');

    // The same job once archived: still found.
    await ctx.database.executeSql(`INSERT INTO pgboss.archive (${JOB_COLUMNS}) SELECT ${JOB_COLUMNS} FROM pgboss.job WHERE name = 'notify' AND data::text LIKE '%ada@example.com%'`);
    await ctx.database.executeSql(`DELETE FROM pgboss.job WHERE name = 'notify' AND data::text LIKE '%ada@example.com%'`);
    await retryFailedRun(ctx, runId, { subjectId: 'usr_admin' });
    await drainJobs(ctx);
    const again = await runOf(runId);
    expect(again.state).toBe('failed');
    expect(again.failureReason).toContain('email in adieu:pgboss.archive');

    await ctx.database.executeSql(`DELETE FROM pgboss.archive WHERE name = 'notify'`);
    await retryFailedRun(ctx, runId, { subjectId: 'usr_admin' });
    await drainJobs(ctx);
    expect((await runOf(runId)).state).toBe('completed');
  });

  it('an ids-only queue refuses a payload with any other field or value, without quoting it', async () => {
    const ctx = t.ctx;
    const refused = [
      [QUEUES['erasure.step'].name, { runId: newId('ers'), email: 'ada@example.com' }],
      [QUEUES['erasure.step'].name, { runId: 'ada@example.com' }],
      [QUEUES['erasure.webhook'].name, { runId: newId('ers'), name: 'Ada Lovelace' }],
      [QUEUES['export.build'].name, { exportId: newId('exp'), note: 'hello' }],
      [QUEUES['documents.dispose'].name, { scope: 'files', userId: 'ada@example.com' }],
      [QUEUES.tick.name, { note: 'ada@example.com' }],
    ] as const;
    for (const [queue, payload] of refused) {
      const error = await ctx.jobs.enqueue(ctx.db, queue, payload).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message, `${queue} ${JSON.stringify(payload)}`).toMatch(/carries ids only; refused payload fields/);
      expect(error?.message).not.toMatch(/ada@example\.com|Lovelace|hello/);
    }
    // The shapes the code sends pass, and nothing refused was written.
    await ctx.jobs.enqueue(ctx.db, QUEUES['export.build'].name, { exportId: newId('exp') });
    await ctx.jobs.enqueue(ctx.db, QUEUES['documents.dispose'].name, { scope: 'unattached', userId: ada });
    const rows = await queryRows<{ data: unknown }>(ctx.db, sql`SELECT data FROM pgboss.job WHERE name <> 'notify'`);
    expect(JSON.stringify(rows)).not.toMatch(/ada@example\.com|Lovelace|hello|note/);
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });
});
