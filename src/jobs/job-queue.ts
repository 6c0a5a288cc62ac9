import type PgBoss from 'pg-boss';
import type { Database, Db } from '../db/database.ts';
import { rawQuery } from '../db/sql.ts';
import { lazyModule } from '../lazy-module.ts';
import { QUEUES, type QueueDefinition } from './queues.ts';

/**
 * pg-boss loads with the queue's first use, not with every process's start: a server starts its
 * worker only once it answers, and a request that queues a job is rarely its first.
 */
const pgBoss = lazyModule<typeof PgBoss>('pg-boss');

export const BOSS_SCHEMA = 'pgboss';

export type JobHandler = (data: any, meta: { id: string; retryCount: number }) => Promise<void>;

/**
 * What a failed job keeps in pg-boss's `output`: the SQLSTATE or the error's class, never its
 * message, which can quote a query's parameters or a row's values (a rejected recipient's address,
 * a duplicate key). The erasure steps keep their own readable record of a failure (step-errors.ts).
 */
export function jobFailure(error: unknown): { error: string } {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { error: `SQLSTATE ${code}` };
    current = (current as { cause?: unknown }).cause;
  }
  const name = error instanceof Error ? error.name : '';
  return { error: /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'Error' };
}

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
  private readonly createBoss: () => PgBoss;
  private created: PgBoss | null = null;
  private readonly handlers = new Map<string, JobHandler>();
  private started = false;
  /** The one pg-boss start under way: a server starts its worker while a request may run `runDue`. */
  private starting: Promise<void> | null = null;
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
    this.createBoss = () => {
      const Boss = pgBoss();
      const boss = new Boss({
        db: bossDbForDatabase(database),
        schema: BOSS_SCHEMA,
        migrate: false,
        supervise: options.worker,
        schedule: options.worker,
        archiveCompletedAfterSeconds: 60 * 60,
        deleteAfterDays: 7,
      });
      boss.on('error', () => undefined);
      return boss;
    };
  }

  /** pg-boss itself, created (and loaded) on first use. */
  private get boss(): PgBoss {
    return (this.created ??= this.createBoss());
  }

  register(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }

  async start(): Promise<void> {
    this.starting ??= this.boss.start().then(
      () => {
        this.started = true;
      },
      (error: unknown) => {
        this.starting = null;
        throw error;
      },
    );
    await this.starting;
  }

  /** Refuses, on an ids-only queue (queues.ts), any payload but the queue's own shape. */
  async enqueue(tx: Db, name: string, data: object, options: PgBoss.SendOptions = {}): Promise<void> {
    // No start() here: sending needs only the caller's transaction, and starting would query through
    // the database's own connection, which on the embedded database (one connection) waits forever
    // for the transaction we are inside of.
    const definition = (QUEUES as Record<string, QueueDefinition>)[name];
    if (!definition) throw new Error(`unknown queue ${name}`);
    if (definition.payload) {
      const parsed = definition.payload.safeParse(data);
      // Names the fields only: the values may be the very data the queue must not carry.
      if (!parsed.success) throw new Error(`queue ${name} carries ids only; refused payload fields: ${parsed.error.issues.map((i) => i.path.join('.') || '(shape)').join(', ')}`);
    }
    await this.boss.send(name, data, { ...options, db: bossDbFor(tx) });
  }

  /** Runs one job; a failure is recorded as `jobFailure` says (pg-boss would keep the message). */
  private async runJob(name: string, handler: JobHandler, job: PgBoss.JobWithMetadata<unknown> | PgBoss.Job<unknown>): Promise<boolean> {
    try {
      await handler(job.data, { id: job.id, retryCount: 'retryCount' in job ? job.retryCount : 0 });
      return true;
    } catch (error) {
      await this.boss.fail(name, job.id, jobFailure(error));
      return false;
    }
  }

  /** Serves every registered queue until `stop`. */
  async work(options: { pollingIntervalSeconds?: number; tickCron?: string } = {}): Promise<void> {
    await this.start();
    // A server starts its worker after it listens, so a signal can come first: then work no more.
    if (this.stopping) return;
    this.working = true;
    for (const [name, handler] of this.handlers) {
      if (this.stopping) return;
      if (this.batchSize === 1) {
        await this.boss.work(name, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? this.pollingSeconds }, async (jobs) => {
          for (const job of jobs) await this.runJob(name, handler, job);
        });
        continue;
      }
      // pg-boss waits out the polling interval between fetches even when jobs are waiting, so a
      // batch runs concurrently; one job failing must not fail its batch-mates (pg-boss completes
      // only the jobs still active when the batch returns).
      await this.boss.work(name, { batchSize: this.batchSize, pollingIntervalSeconds: options.pollingIntervalSeconds ?? this.pollingSeconds, includeMetadata: true }, async (jobs) => {
        await Promise.all(jobs.map((job) => this.runJob(name, handler, job)));
      });
    }
    if (this.handlers.has(QUEUES.tick.name) && !this.stopping) await this.boss.schedule(QUEUES.tick.name, options.tickCron ?? '* * * * *', {});
  }

  /**
   * Runs the due timers (unless `timers` is false: a benchmark times the jobs alone) and then every
   * job waiting in any queue (or in `queues` alone: a benchmark times one feature's jobs), until
   * none is left (dev tools, tests, benchmarks). Returns how many jobs ran and failed per queue.
   */
  async runDue(maxRounds = 50, options: { timers?: boolean; queues?: string[] } = {}): Promise<Record<string, { completed: number; failed: number }>> {
    await this.start();
    const counts: Record<string, { completed: number; failed: number }> = {};
    const tick = options.timers === false ? undefined : this.handlers.get(QUEUES.tick.name);
    if (tick) {
      await tick({}, { id: 'manual', retryCount: 0 });
      counts.tick = { completed: 1, failed: 0 };
    }
    for (let round = 0; round < maxRounds; round++) {
      let ran = 0;
      for (const [name, handler] of this.handlers) {
        if (name === QUEUES.tick.name || (options.queues && !options.queues.includes(name))) continue;
        const jobs = await this.boss.fetch<any>(name, { batchSize: 20, includeMetadata: true, ignoreStartAfter: true });
        for (const job of jobs) {
          ran += 1;
          counts[name] ??= { completed: 0, failed: 0 };
          if (await this.runJob(name, handler, job)) {
            await this.boss.complete(name, job.id);
            counts[name].completed += 1;
          } else {
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
    await this.starting?.catch(() => undefined);
    if (!this.started) return;
    this.started = false;
    this.starting = null;
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
  if (!rows[0]?.present) await exec(pgBoss().getConstructionPlans(BOSS_SCHEMA));
  for (const definition of Object.values(QUEUES)) {
    const { name, payload: _payload, ...options } = definition as QueueDefinition;
    await query(`SELECT ${BOSS_SCHEMA}.create_queue($1, $2)`, [name, JSON.stringify({ policy: 'standard', ...options })]);
  }
  // Ours, so that fetching a batch does not grow with the backlog: it walks the waiting jobs in
  // pg-boss's order and stops at the batch, where pg-boss's own index (name, start_after) had every
  // waiting job of the queue sorted first. On the partitioned job table the index reaches every
  // queue's partition, later ones included (ATTACH PARTITION creates it).
  await exec(`CREATE INDEX IF NOT EXISTS job_fetch_order_i ON ${BOSS_SCHEMA}.job (name, priority DESC, created_on, id) WHERE state < 'active'`);
}
