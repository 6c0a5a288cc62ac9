import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { KeyDestroyedError, type KeyStore } from './key-store.ts';

/**
 * Keys in a separate PostgreSQL database that every server and worker shares, kept out of the main
 * database's backups. A destroyed key leaves a row with no material, so it is never minted again.
 */
export class PostgresKeyStore implements KeyStore {
  private readonly pool: pg.Pool;
  private readonly secrets = new Map<string, Buffer>();
  private ready: Promise<void> | null = null;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
    this.pool.on('error', () => undefined);
  }

  private init(): Promise<void> {
    const create = () =>
      this.pool.query(
        `CREATE TABLE IF NOT EXISTS adieu_keys (
           kind text NOT NULL, id text NOT NULL, material bytea,
           created_at timestamptz NOT NULL DEFAULT now(), destroyed_at timestamptz,
           PRIMARY KEY (kind, id))`,
      );
    this.ready ??= create()
      // Two processes creating the table at the same moment: one of them gets a duplicate error
      // from the catalog (CREATE … IF NOT EXISTS is not race-free: a unique violation on pg_type,
      // "relation exists" or "type exists", by timing); by then the table exists.
      .catch((error: { code?: string }) => (['23505', '42P07', '42710'].includes(error?.code ?? '') ? create() : Promise.reject(error)))
      .then(() => undefined)
      .catch((error) => {
        this.ready = null;
        throw error;
      });
    return this.ready;
  }

  /** Reads a key; creates it when missing (one round trip for the common case of an existing key). */
  private async readOrCreate(kind: string, id: string): Promise<Buffer> {
    await this.init();
    const found = await this.pool.query('SELECT material FROM adieu_keys WHERE kind = $1 AND id = $2', [kind, id]);
    let row = found.rows[0];
    if (!row) {
      // A racing creator wins or loses cleanly: the conflict branch returns the row that exists.
      const created = await this.pool.query(
        `INSERT INTO adieu_keys (kind, id, material) VALUES ($1, $2, $3)
         ON CONFLICT (kind, id) DO UPDATE SET kind = adieu_keys.kind RETURNING material`,
        [kind, id, randomBytes(32)],
      );
      row = created.rows[0];
    }
    if (!row?.material) throw new KeyDestroyedError();
    return row.material;
  }

  subjectKey(subjectId: string): Promise<Buffer> {
    return this.readOrCreate('subject', subjectId);
  }

  async findSubjectKey(subjectId: string): Promise<Buffer | null> {
    await this.init();
    const { rows } = await this.pool.query("SELECT material FROM adieu_keys WHERE kind = 'subject' AND id = $1", [subjectId]);
    return rows[0]?.material ?? null;
  }

  async destroySubjectKey(subjectId: string): Promise<void> {
    await this.init();
    await this.pool.query(
      `INSERT INTO adieu_keys (kind, id, material, destroyed_at) VALUES ('subject', $1, NULL, now())
       ON CONFLICT (kind, id) DO UPDATE SET material = NULL, destroyed_at = COALESCE(adieu_keys.destroyed_at, now())`,
      [subjectId],
    );
  }

  async serviceSecret(name: string): Promise<Buffer> {
    let secret = this.secrets.get(name);
    if (!secret) {
      secret = await this.readOrCreate('service', name);
      this.secrets.set(name, secret);
    }
    return secret;
  }

  async ping(): Promise<void> {
    await this.init();
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
