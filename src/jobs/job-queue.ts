import PgBoss from 'pg-boss';
import type { Database, Db } from '../db/database.ts';
import { rawQuery } from '../db/sql.ts';
import { QUEUES } from './queues.ts';

export const BOSS_SCHEMA = 'pgboss';

export type JobHandler = (data: any, meta: { id: string; retryCount: number }) => Promise<void>;

/** pg-boss speaking through one of our drizzle transactions. */
function bossDbFor(tx: Db): PgBoss.Db {
  const query = rawQuery(tx);
  return { executeSql: (text, values) => query(text, values) };
}

/** pg-boss speaking through our own connection (pool or embedded database). */
function bossDbForDatabase(database: Database): PgBoss.Db {
  return { executeSql: (text, values) => database.executeSql(text, values) as Promise<{ rows: any[] }> };
}

/**
 * The job queue. `enqueue` writes the job inside the caller's transaction, so a change and the
 * jobs it causes commit together or not at all.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly handlers = new Map<string, JobHandler>();
  private started = false;
  private working = false;
  private stopping = false;

  /**
   * Embedded: one connection shared with requests, so one job at a time and gentle polling;
   * PostgreSQL: concurrent batches and brisk polling.
   */
  private readonly pollingSeconds: number;
  private readonly batchSize: number;

  constructor(database: Database, options: { worker: boolean }) {
    this.pollingSeconds = database.kind === 'postgres' ? 0.5 : 2;
    this.batchSize = database.kind === 'postgres' ? 8 : 1;
    this.boss = new PgBoss({
      db: bossDbForDatabase(database),
      schema: BOSS_SCHEMA,
      migrate: false,
      supervise: options.worker,
      schedule: options.worker,
      archiveCompletedAfterSeconds: 60 * 60,
      deleteAfterDays: 7,
    });
    this.boss.on('error', () => undefined);
  }

  register(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    this.started = true;
  }

  async enqueue(tx: Db, name: string, data: Record<string, string | number | boolean | null>, options: PgBoss.SendOptions = {}): Promise<void> {
    // No start() here: sending needs only the caller's transaction, and starting would query through
    // the database's own connection, which on the embedded database (one connection) waits forever
    // for the transaction we are inside of.
    const definition = (QUEUES as Record<string, { retryLimit: number; retryDelay: number; retryBackoff: boolean }>)[name];
    if (!definition) throw new Error(`unknown queue ${name}`);
    await this.boss.send(name, data, { ...options, db: bossDbFor(tx) });
  }

  /** Serves every registered queue until `stop`. */
  async work(options: { pollingIntervalSeconds?: number; tickCron?: string } = {}): Promise<void> {
    await this.start();
    this.working = true;
    for (const [name, handler] of this.handlers) {
      if (this.batchSize === 1) {
        await this.boss.work(name, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? this.pollingSeconds }, async (jobs) => {
          for (const job of jobs) await handler(job.data, { id: job.id, retryCount: 0 });
        });
        continue;
      }
      // pg-boss waits out the polling interval between fetches even when jobs are waiting, so a
      // batch runs concurrently; one job failing must not fail its batch-mates (pg-boss completes
      // only the jobs still active when the batch returns).
      await this.boss.work(name, { batchSize: this.batchSize, pollingIntervalSeconds: options.pollingIntervalSeconds ?? this.pollingSeconds, includeMetadata: true }, async (jobs) => {
        await Promise.all(
          jobs.map(async (job) => {
            try {
              await handler(job.data, { id: job.id, retryCount: job.retryCount });
            } catch (error) {
              await this.boss.fail(name, job.id, { message: error instanceof Error ? error.message : 'failed' });
            }
          }),
        );
      });
    }
    if (this.handlers.has(QUEUES.tick.name)) await this.boss.schedule(QUEUES.tick.name, options.tickCron ?? '* * * * *', {});
  }

  /**
   * Runs the due timers and then every job waiting in any queue, until none is left (dev tools,
   * tests). Returns how many jobs ran and failed per queue.
   */
  async runDue(maxRounds = 50): Promise<Record<string, { completed: number; failed: number }>> {
    await this.start();
    const counts: Record<string, { completed: number; failed: number }> = {};
    const tick = this.handlers.get(QUEUES.tick.name);
    if (tick) {
      await tick({}, { id: 'manual', retryCount: 0 });
      counts.tick = { completed: 1, failed: 0 };
    }
    for (let round = 0; round < maxRounds; round++) {
      let ran = 0;
      for (const [name, handler] of this.handlers) {
        if (name === QUEUES.tick.name) continue;
        const jobs = await this.boss.fetch<any>(name, { batchSize: 20, includeMetadata: true, ignoreStartAfter: true });
        for (const job of jobs) {
          ran += 1;
          counts[name] ??= { completed: 0, failed: 0 };
          try {
            await handler(job.data, { id: job.id, retryCount: job.retryCount });
            await this.boss.complete(name, job.id);
            counts[name].completed += 1;
          } catch (error) {
            await this.boss.fail(name, job.id, { message: error instanceof Error ? error.message : 'failed' });
            counts[name].failed += 1;
          }
        }
      }
      if (ran === 0) break;
    }
    return counts;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.started) return;
    this.started = false;
    this.working = false;
    await this.boss.stop({ graceful: true, close: false, timeout: 10_000, wait: true });
  }

  get isWorking(): boolean {
    return this.working;
  }

  /** True once `stop` was called: a long job should hand the rest of its work to a new job. */
  get isStopping(): boolean {
    return this.stopping;
  }
}

/** Creates pg-boss's tables (first time) and every queue; part of `adieu migrate`. */
export async function installJobSchema(query: (text: string, values?: unknown[]) => Promise<{ rows: any[] }>, exec: (text: string) => Promise<unknown>): Promise<void> {
  const { rows } = await query(`SELECT to_regclass('${BOSS_SCHEMA}.version') AS present`);
  if (!rows[0]?.present) await exec(PgBoss.getConstructionPlans(BOSS_SCHEMA));
  for (const definition of Object.values(QUEUES)) {
    const { name, ...options } = definition;
    await query(`SELECT ${BOSS_SCHEMA}.create_queue($1, $2)`, [name, JSON.stringify({ policy: 'standard', ...options })]);
  }
}
