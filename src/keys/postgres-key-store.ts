import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { postgresDriver } from '../db/postgres-driver.ts';
import { KeyDestroyedError, KeyExistsError, KeyMissingError, unwrapStored, type KeyStore } from './key-store.ts';
import type { KeyWrapper } from './key-wrapper.ts';

/** Rows looked at per round of a rewrap, so a big store is moved in small transactions. */
const REWRAP_BATCH = 500;

/**
 * Keys in a separate PostgreSQL database that every server and worker shares, kept out of the main
 * database's backups. `material` holds the key wrapped by the KEK named in `kek_id` (NULL: stored
 * before wrapping existed, wrapped at the next start). A destroyed key leaves a row with no
 * material, so it is never minted again. `kind = 'meta'` rows are small public records.
 */
export class PostgresKeyStore implements KeyStore {
  private readonly pool: pg.Pool;
  private readonly secrets = new Map<string, Buffer>();
  private ready: Promise<void> | null = null;
  readonly where: string;

  constructor(
    url: string,
    readonly wrapper: KeyWrapper,
  ) {
    this.pool = new (postgresDriver().Pool)({ connectionString: url, max: 4 });
    this.pool.on('error', () => undefined);
    const parsed = new URL(url);
    this.where = `PostgreSQL key database ${parsed.host}${parsed.pathname}`;
  }

  private init(): Promise<void> {
    const create = async () => {
      await this.pool.query(
        `CREATE TABLE IF NOT EXISTS adieu_keys (
           kind text NOT NULL, id text NOT NULL, material bytea,
           created_at timestamptz NOT NULL DEFAULT now(), destroyed_at timestamptz,
           PRIMARY KEY (kind, id))`,
      );
      await this.pool.query('ALTER TABLE adieu_keys ADD COLUMN IF NOT EXISTS kek_id text');
    };
    this.ready ??= create()
      // Two processes creating the table at the same moment: one of them gets a duplicate error
      // from the catalog (CREATE … IF NOT EXISTS is not race-free: a unique violation on pg_type,
      // "relation exists" or "type exists", by timing); by then the table exists.
      .catch((error: { code?: string }) => (['23505', '42P07', '42710', '42701'].includes(error?.code ?? '') ? create() : Promise.reject(error)))
      .then(() => undefined)
      .catch((error) => {
        this.ready = null;
        throw error;
      });
    return this.ready;
  }

  /** Reads a service secret; creates it when missing (one round trip for the common case of an existing one). */
  private async readOrCreate(kind: string, id: string): Promise<Buffer> {
    await this.init();
    const found = await this.pool.query('SELECT material FROM adieu_keys WHERE kind = $1 AND id = $2', [kind, id]);
    let row = found.rows[0];
    if (!row) {
      // A racing creator wins or loses cleanly: the conflict branch returns the row that exists.
      const created = await this.pool.query(
        `INSERT INTO adieu_keys (kind, id, material, kek_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, id) DO UPDATE SET kind = adieu_keys.kind RETURNING material`,
        [kind, id, await this.wrapper.wrap(randomBytes(32), `${kind}:${id}`), this.wrapper.currentId],
      );
      row = created.rows[0];
    }
    if (!row?.material) throw new KeyDestroyedError();
    return unwrapStored(this.wrapper, row.material, `${kind}:${id}`);
  }

  async createSubjectKey(subjectId: string): Promise<Buffer> {
    await this.init();
    const key = randomBytes(32);
    const { rows } = await this.pool.query(
      `INSERT INTO adieu_keys (kind, id, material, kek_id) VALUES ('subject', $1, $2, $3)
       ON CONFLICT (kind, id) DO NOTHING RETURNING id`,
      [subjectId, await this.wrapper.wrap(key, `subject:${subjectId}`), this.wrapper.currentId],
    );
    if (rows.length > 0) return key;
    const existing = await this.pool.query("SELECT material FROM adieu_keys WHERE kind = 'subject' AND id = $1", [subjectId]);
    throw existing.rows[0] && !existing.rows[0].material ? new KeyDestroyedError() : new KeyExistsError();
  }

  async subjectKey(subjectId: string): Promise<Buffer> {
    await this.init();
    const { rows } = await this.pool.query("SELECT material FROM adieu_keys WHERE kind = 'subject' AND id = $1", [subjectId]);
    if (!rows[0]) throw new KeyMissingError();
    if (!rows[0].material) throw new KeyDestroyedError();
    return unwrapStored(this.wrapper, rows[0].material, `subject:${subjectId}`);
  }

  async findSubjectKey(subjectId: string): Promise<Buffer | null> {
    await this.init();
    const { rows } = await this.pool.query("SELECT material FROM adieu_keys WHERE kind = 'subject' AND id = $1", [subjectId]);
    return rows[0]?.material ? unwrapStored(this.wrapper, rows[0].material, `subject:${subjectId}`) : null;
  }

  private async destroy(kind: string, id: string): Promise<void> {
    await this.init();
    await this.pool.query(
      `INSERT INTO adieu_keys (kind, id, material, destroyed_at) VALUES ($1, $2, NULL, now())
       ON CONFLICT (kind, id) DO UPDATE SET material = NULL, kek_id = NULL, destroyed_at = COALESCE(adieu_keys.destroyed_at, now())`,
      [kind, id],
    );
  }

  destroySubjectKey(subjectId: string): Promise<void> {
    return this.destroy('subject', subjectId);
  }

  async serviceSecret(name: string): Promise<Buffer> {
    let secret = this.secrets.get(name);
    if (!secret) {
      secret = await this.readOrCreate('service', name);
      this.secrets.set(name, secret);
    }
    return secret;
  }

  async destroyServiceSecret(name: string): Promise<void> {
    this.secrets.delete(name);
    await this.destroy('service', name);
  }

  async readMeta(name: string): Promise<string | null> {
    await this.init();
    const { rows } = await this.pool.query("SELECT material FROM adieu_keys WHERE kind = 'meta' AND id = $1", [name]);
    return rows[0]?.material ? (rows[0].material as Buffer).toString('utf8') : null;
  }

  async writeMeta(name: string, value: string, options: { ifAbsent?: boolean } = {}): Promise<string> {
    await this.init();
    const { rows } = await this.pool.query(
      `INSERT INTO adieu_keys (kind, id, material) VALUES ('meta', $1, $2)
       ON CONFLICT (kind, id) DO UPDATE SET material = ${options.ifAbsent ? 'adieu_keys.material' : 'EXCLUDED.material'}
       RETURNING material`,
      [name, Buffer.from(value)],
    );
    return (rows[0].material as Buffer).toString('utf8');
  }

  async hasKeys(): Promise<boolean> {
    await this.init();
    const { rows } = await this.pool.query("SELECT 1 FROM adieu_keys WHERE kind IN ('subject', 'service') LIMIT 1");
    return rows.length > 0;
  }

  async rewrapAll(options: { onlyUnwrapped?: boolean } = {}): Promise<{ rewrapped: number; total: number }> {
    await this.init();
    let rewrapped = 0;
    let after: [string, string] = ['', ''];
    const [{ n: total }] = (await this.pool.query("SELECT count(*)::int AS n FROM adieu_keys WHERE kind IN ('subject', 'service') AND material IS NOT NULL")).rows;
    for (;;) {
      const { rows } = await this.pool.query(
        `SELECT kind, id, material FROM adieu_keys
         WHERE kind IN ('subject', 'service') AND material IS NOT NULL AND (kind, id) > ($1, $2)
           AND ${options.onlyUnwrapped ? 'kek_id IS NULL' : 'kek_id IS DISTINCT FROM $3'}
         ORDER BY kind, id LIMIT ${REWRAP_BATCH}`,
        options.onlyUnwrapped ? after : [...after, this.wrapper.currentId],
      );
      if (rows.length === 0) break;
      for (const row of rows as Array<{ kind: string; id: string; material: Buffer }>) {
        const context = `${row.kind}:${row.id}`;
        const wrapped = await this.wrapper.wrap(await unwrapStored(this.wrapper, row.material, context), context);
        // Only if the row still holds what was read: a key destroyed meanwhile stays destroyed.
        const { rowCount } = await this.pool.query('UPDATE adieu_keys SET material = $3, kek_id = $4 WHERE kind = $1 AND id = $2 AND material = $5', [
          row.kind,
          row.id,
          wrapped,
          this.wrapper.currentId,
          row.material,
        ]);
        rewrapped += rowCount ?? 0;
      }
      const last = rows[rows.length - 1];
      after = [last.kind, last.id];
    }
    return { rewrapped, total };
  }

  async ping(): Promise<void> {
    await this.init();
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
