import type { Config } from './config/schema.ts';
import type { Database, Db } from './db/database.ts';
import type { KeyStore } from './keys/key-store.ts';
import type { Clock } from './clock/clock.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import type { Logger } from './logger.ts';
import type { DevMailbox } from './notify/dev-mailbox.ts';
import type { Mailer } from './notify/mailer.ts';
import type { SmsSender } from './notify/sms-sender.ts';
import type { RateLimiter } from './http/rate-limiter.ts';
import type { SessionCache } from './accounts/session-cache.ts';
import type { DocumentStorage } from './documents/storage/document-storage.ts';
import type { ForgetList } from './erasure/forget/forget-list.ts';

/**
 * Everything a service function needs, built once at start-up (`src/app/create-context.ts`) and
 * passed in. Only the shape lives here, so every floor can name it without knowing how it is built.
 */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  keys: KeyStore;
  clock: Clock;
  jobs: JobQueue;
  logger: Logger;
  mailbox: DevMailbox;
  mailer: Mailer;
  sms: SmsSender;
  /** Throttling counters shared by every process: PostgreSQL, or Redis when `redis.url` is set. */
  rateLimiter: RateLimiter;
  /** Signed-in sessions in memory, emptied by every server on any change (migration 0006). */
  sessionCache: SessionCache;
  /** Encrypted identity documents: the database on PostgreSQL, `dataDir/documents` when embedded. */
  documentStorage: DocumentStorage;
  /** Who was erased (keyed hashes) and what each run did, beside the keys: `erase --reapply` after a restore. */
  forgetList: ForgetList;
}
