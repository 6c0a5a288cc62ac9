import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import type { TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { queryRows } from '../../src/db/sql.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { beginErasure, demoAppWithAda, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

/**
 * A notification being sent while the erasure clears the buyer's row has already read the address:
 * its mail lands in the dev mailbox whenever the send ends. The mailbox purge waits for it instead
 * of running first and leaving that mail for the verification to find.
 */
describe.each(DATABASE_KINDS)('the mailbox purge waits for a message being sent (%s)', (kind) => {
  let t: TestApp;
  let ada: string;
  beforeEach(async () => {
    ({ t, ada } = await demoAppWithAda(kind));
  });
  afterEach(() => t.close());

  const mailboxStep = async (runId: string) =>
    (await t.ctx.db.select().from(erasureSteps).where(and(eq(erasureSteps.runId, runId), sql`${erasureSteps.spec}->>'kind' = 'mailbox'`)))[0];
  const runState = async (runId: string) => (await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId)))[0].state;

  it('purges only once the send has ended, and the run completes', async () => {
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    // A worker holds a notification to Ada: the job is active, its send under way.
    await t.ctx.jobs.enqueue(t.ctx.db, QUEUES.notify.name, { userId: ada, template: 'application_received', channel: 'email' });
    await t.ctx.database.executeSql(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = 'notify' AND data->>'userId' = $1`, [ada]);

    const runId = await beginErasure(t.ctx, applicationId);
    // A few rounds only: the dev runner ignores start times, and would run the waiting step again and again.
    await t.ctx.jobs.runDue(5);
    const waiting = await mailboxStep(runId);
    expect(await runState(runId)).toBe('running');
    expect(waiting.state).toBe('pending');
    expect(waiting.leaseUntil).toBeNull();
    const [{ later }] = await queryRows<{ later: number }>(
      t.ctx.db,
      sql`SELECT count(*)::int AS later FROM pgboss.job WHERE name = 'erasure.step' AND state = 'created' AND start_after > now()`,
    );
    expect(Number(later)).toBe(1);

    // The send ends: its mail lands, and the job completes.
    await t.ctx.mailbox.deliver({ to: 'ada@example.com', subject: 'We received your request', text: 'Hello Ada', html: '', channel: 'email' });
    await t.ctx.database.executeSql(`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE name = 'notify' AND data->>'userId' = $1`, [ada]);
    await t.ctx.database.executeSql(`UPDATE pgboss.job SET start_after = now() WHERE name = 'erasure.step' AND state = 'created'`);
    await drainJobs(t.ctx);

    expect((await mailboxStep(runId)).state).toBe('done');
    expect(await runState(runId)).toBe('completed');
    expect(t.ctx.mailbox.list('ada@example.com')).toEqual([]);
  });
});
