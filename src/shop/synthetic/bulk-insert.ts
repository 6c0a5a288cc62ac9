import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';

type PgType = 'text' | 'int' | 'bigint' | 'timestamptz';

/**
 * Rows of one table gathered as columns, then written with ONE statement,
 * `INSERT … SELECT * FROM unnest($1::text[], $2::bigint[], …)`: one array parameter per column,
 * so a statement carries any number of rows (no 65,535-parameter ceiling, no per-row round trip).
 */
export class ColumnBuffer {
  private readonly columns: unknown[][];
  rows = 0;
  written = 0;

  constructor(
    private readonly table: string,
    private readonly spec: [name: string, type: PgType][],
  ) {
    this.columns = spec.map(() => []);
  }

  push(...values: unknown[]): void {
    for (let i = 0; i < values.length; i++) this.columns[i].push(values[i]);
    this.rows += 1;
  }

  async flush(db: Db): Promise<void> {
    if (this.rows === 0) return;
    const names = sql.raw(this.spec.map(([name]) => `"${name}"`).join(', '));
    const arrays = sql.join(
      this.spec.map(([, type], i) => sql`${sql.param(this.columns[i])}::${sql.raw(type)}[]`),
      sql`, `,
    );
    await db.execute(sql`INSERT INTO ${sql.raw(this.table)} (${names}) SELECT * FROM unnest(${arrays})`);
    this.written += this.rows;
    for (const column of this.columns) column.length = 0;
    this.rows = 0;
  }
}

/** Opaque ids like `newId`, 128 random bits each, drawn in one call for a whole batch. */
export class IdSource {
  private pool = Buffer.alloc(0);
  private offset = 0;

  next(prefix: string): string {
    if (this.offset + 16 > this.pool.length) {
      this.pool = randomBytes(16 * 4096);
      this.offset = 0;
    }
    const id = `${prefix}_${this.pool.toString('base64url', this.offset, this.offset + 16)}`;
    this.offset += 16;
    return id;
  }
}
