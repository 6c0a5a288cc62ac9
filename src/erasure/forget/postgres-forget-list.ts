import type pg from 'pg';
import { postgresDriver } from '../../db/postgres-driver.ts';
import { byStart, type ForgetEntry, type ForgetList, type ForgetStep } from './forget-list.ts';

/** In the key database (`keys.url` is a PostgreSQL URL): shared by every process, backed up with the keys, never with the main database. */
export class PostgresForgetList implements ForgetList {
  private readonly pool: pg.Pool;
  private ready: Promise<void> | null = null;

  constructor(url: string) {
    this.pool = new (postgresDriver().Pool)({ connectionString: url, max: 2 });
    this.pool.on('error', () => undefined);
  }

  private init(): Promise<void> {
    const create = () =>
      this.pool.query(
        `CREATE TABLE IF NOT EXISTS adieu_forget_list (
           subject_hash text PRIMARY KEY, started_at timestamptz NOT NULL, completed_at timestamptz,
           steps jsonb NOT NULL, reapplied_at timestamptz)`,
      );
    this.ready ??= create()
      // Two processes creating the table at once: the loser sees a duplicate in the catalog.
      .catch((error: { code?: string }) => (['23505', '42P07', '42710'].includes(error?.code ?? '') ? create() : Promise.reject(error)))
      .then(() => undefined)
      .catch((error) => {
        this.ready = null;
        throw error;
      });
    return this.ready;
  }

  async record(entry: { subjectHash: string; startedAt: Date; steps: ForgetStep[] }): Promise<void> {
    await this.init();
    await this.pool.query(
      `INSERT INTO adieu_forget_list (subject_hash, started_at, steps) VALUES ($1, $2, $3)
       ON CONFLICT (subject_hash) DO UPDATE SET steps = CASE WHEN adieu_forget_list.completed_at IS NULL THEN excluded.steps ELSE adieu_forget_list.steps END`,
      [entry.subjectHash, entry.startedAt, JSON.stringify(entry.steps)],
    );
  }

  async complete(subjectHash: string, completedAt: Date, steps: ForgetStep[]): Promise<void> {
    await this.init();
    await this.pool.query('UPDATE adieu_forget_list SET completed_at = COALESCE(completed_at, $2), steps = $3 WHERE subject_hash = $1', [
      subjectHash,
      completedAt,
      JSON.stringify(steps),
    ]);
  }

  async markReapplied(subjectHash: string, at: Date): Promise<void> {
    await this.init();
    await this.pool.query('UPDATE adieu_forget_list SET reapplied_at = $2 WHERE subject_hash = $1', [subjectHash, at]);
  }

  async list(since?: Date): Promise<ForgetEntry[]> {
    await this.init();
    const { rows } = await this.pool.query(
      'SELECT subject_hash, started_at, completed_at, steps, reapplied_at FROM adieu_forget_list WHERE started_at >= $1 ORDER BY started_at, subject_hash',
      [since ?? new Date(0)],
    );
    return rows
      .map((r) => ({
        subjectHash: r.subject_hash as string,
        startedAt: new Date(r.started_at),
        completedAt: r.completed_at ? new Date(r.completed_at) : null,
        steps: r.steps as ForgetStep[],
        reappliedAt: r.reapplied_at ? new Date(r.reapplied_at) : null,
      }))
      .sort(byStart);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
