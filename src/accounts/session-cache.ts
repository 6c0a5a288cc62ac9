import type pg from 'pg';
import { USER_CHANGED_CHANNEL, type Database } from '../db/database.ts';
import { postgresDriver } from '../db/postgres-driver.ts';
import type { Logger } from '../logger.ts';
import type { SessionRow, UserRow } from './sessions.ts';

export interface SessionWithUser {
  session: SessionRow;
  user: UserRow;
}

const MAX_ENTRIES = 20_000;
const RECONNECT_MS = 1000;

/**
 * Signed-in sessions with their users, in memory, so a signed-in read needs no session query; and
 * the signed-in buyer's own status page, so the most requested read needs none at all.
 *
 * Correctness rests on migration 0006: every commit that deletes or alters a session (other than
 * its last-seen time), alters or deletes a user, or writes one of their applications or timeline
 * events raises a notification with the user id, in
 * whatever process or statement made it (sign-out, step-up, password reset, role change,
 * back-channel logout, erasure). The connection that commits hears it before its commit returns;
 * every other server hears it on its connections within milliseconds. The cache serves nothing
 * unless a dedicated listening connection is up: when it drops, everything cached is forgotten
 * (notifications may have been missed) until it listens again.
 *
 * A lookup that read the database while a change was announced is not cached (`mark`/`put`): its
 * row may be older than the change.
 */
export class SessionCache {
  private readonly entries = new Map<string, SessionWithUser>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Reads of a signed-in user's own data (the buyer's status page), by user id, then by name. */
  private readonly reads = new Map<string, Map<string, unknown>>();
  private generation = 0;
  private live = false;
  private watcher: Promise<AuthWatch> | null = null;
  private closed = false;
  private readonly onNotice = (userId: string) => this.dropUser(userId);

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {
    database.notices.on('user-changed', this.onNotice);
  }

  /** The cached session of a token hash, or undefined (also while notifications are not heard). */
  get(tokenHash: string): SessionWithUser | undefined {
    if (!this.live) {
      this.watch();
      return undefined;
    }
    return this.entries.get(tokenHash);
  }

  /** Taken before reading the database; `put` keeps the read only if nothing changed since. */
  mark(): number {
    return this.generation;
  }

  put(tokenHash: string, value: SessionWithUser, mark: number): void {
    if (!this.live || mark !== this.generation) return;
    this.remove(tokenHash);
    if (this.entries.size >= MAX_ENTRIES) this.remove(this.entries.keys().next().value!);
    this.entries.set(tokenHash, value);
    let hashes = this.byUser.get(value.user.id);
    if (!hashes) this.byUser.set(value.user.id, (hashes = new Set()));
    hashes.add(tokenHash);
  }

  /** Replaces a cached entry in place (its last-seen time moved); no-op when it is gone. */
  replace(tokenHash: string, value: SessionWithUser): void {
    if (this.entries.has(tokenHash)) this.entries.set(tokenHash, value);
  }

  dropUser(userId: string): void {
    this.generation++;
    for (const hash of this.byUser.get(userId) ?? []) this.entries.delete(hash);
    this.byUser.delete(userId);
    this.reads.delete(userId);
  }

  /**
   * A read of one user's own data, kept while that user's session is cached (the same
   * notifications cover it: migration 0006 announces every change to the tables it reads).
   */
  getRead<T>(userId: string, name: string): T | undefined {
    return this.live ? (this.reads.get(userId)?.get(name) as T | undefined) : undefined;
  }

  putRead(userId: string, name: string, value: unknown, mark: number): void {
    if (!this.live || mark !== this.generation || !this.byUser.has(userId)) return;
    let named = this.reads.get(userId);
    if (!named) this.reads.set(userId, (named = new Map()));
    named.set(name, value);
  }

  remove(tokenHash: string): void {
    const entry = this.entries.get(tokenHash);
    if (!entry) return;
    this.entries.delete(tokenHash);
    const hashes = this.byUser.get(entry.user.id);
    hashes?.delete(tokenHash);
    if (hashes?.size === 0) {
      this.byUser.delete(entry.user.id);
      this.reads.delete(entry.user.id);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get serving(): boolean {
    return this.live;
  }

  /** Forgets everything; caches again only when `heard` is true (notifications arrive). */
  private setLive(heard: boolean): void {
    this.generation++;
    this.entries.clear();
    this.byUser.clear();
    this.reads.clear();
    this.live = heard && !this.closed;
  }

  /** Starts the listening connection on first use, so CLI commands and workers open none. */
  private watch(): void {
    if (this.watcher || this.closed) return;
    this.watcher = watchAuthChanges(this.database, {
      heard: () => this.setLive(true),
      lost: (error) => {
        if (this.live) this.logger.warn({ err: error?.message }, 'session notifications lost: session cache emptied until they are heard again');
        this.setLive(false);
      },
      notice: (userId) => this.dropUser(userId),
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.database.notices.off('user-changed', this.onNotice);
    this.setLive(false);
    const watcher = await this.watcher;
    await watcher?.close();
  }
}

interface AuthWatch {
  close(): Promise<void>;
}

interface WatchEvents {
  heard(): void;
  lost(error?: Error): void;
  notice(userId: string): void;
}

async function watchAuthChanges(database: Database, on: WatchEvents): Promise<AuthWatch> {
  if (database.kind === 'embedded') {
    // One connection: a notification arrives with the commit that raised it, nothing is missed.
    const unlisten = await database.pglite!.listen(USER_CHANGED_CHANNEL, (userId) => on.notice(userId));
    on.heard();
    return { close: () => unlisten().catch(() => undefined) };
  }
  return watchPostgres(database.pool!, on);
}

/** A connection of its own that only listens; when it breaks, the cache is emptied and it reconnects. */
function watchPostgres(pool: pg.Pool, on: WatchEvents): AuthWatch {
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const connect = async () => {
    timer = null;
    if (closed) return;
    const next = new (postgresDriver().Client)({ ...pool.options, keepAlive: true, application_name: 'adieu-session-notices' });
    client = next;
    let failed = false;
    const fail = (error?: Error) => {
      if (failed) return;
      failed = true;
      on.lost(error);
      next.end().catch(() => undefined);
      if (!closed) timer = setTimeout(() => void connect(), RECONNECT_MS).unref();
    };
    next.on('error', fail);
    next.on('end', () => fail());
    next.on('notification', (message) => {
      if (message.channel === USER_CHANGED_CHANNEL && message.payload) on.notice(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${USER_CHANGED_CHANNEL}`);
      if (!failed && !closed) on.heard();
    } catch (error) {
      fail(error as Error);
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
