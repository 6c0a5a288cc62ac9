import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { AppContext } from '../context.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { openConfiguredKeyStore } from '../keys/open-key-store.ts';
import { configSecrets } from '../config/load.ts';
import { AdjustableClock, systemClock, type Clock } from '../clock/clock.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import { createLogger, type Logger } from '../logger.ts';
import { DevMailbox } from '../notify/dev-mailbox.ts';
import { mailboxMailer, smtpMailer, type Mailer } from '../notify/mailer.ts';
import { smsSenderFor, type SmsSender } from '../notify/sms-sender.ts';
import { openRateLimiter } from '../http/open-rate-limiter.ts';
import { SessionCache } from '../accounts/session-cache.ts';
import { openDocumentStorage } from '../documents/storage/open-document-storage.ts';
import { openForgetList } from '../erasure/forget/open-forget-list.ts';

export type { AppContext };

export interface ContextOptions {
  /** Serve job queues from this process. */
  worker?: boolean;
  /** An already open database (tests; `adieu serve`, which opens it while its modules load). */
  database?: Database;
  logger?: Logger;
  mailer?: Mailer;
  sms?: SmsSender;
  clock?: Clock;
}

export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const database = options.database ?? (await openDatabase({ url: config.database.url, dataDir: config.dataDir }));
  const clock = options.clock ?? (config.devTools ? new AdjustableClock() : systemClock);
  await clock.refresh(database.db).catch(() => undefined);
  const mailbox = new DevMailbox(join(config.dataDir, 'mailbox'), () => clock.now());
  const keys = openConfiguredKeyStore(config);
  const logger = options.logger ?? createLogger(config.log.level, undefined, configSecrets(config));
  return {
    config,
    database,
    db: database.db,
    keys,
    clock,
    jobs: new JobQueue(database, { worker: options.worker ?? false }),
    logger,
    mailbox,
    mailer: options.mailer ?? (config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.from) : mailboxMailer(mailbox)),
    sms: options.sms ?? smsSenderFor(config, mailbox, () => clock.now()),
    rateLimiter: openRateLimiter({ redisUrl: config.redis.url, redisPrefix: config.redis.keyPrefix, db: database.db, keys }),
    sessionCache: new SessionCache(database, logger),
    documentStorage: openDocumentStorage(database, config.dataDir),
    forgetList: openForgetList({ url: config.keys.url, dataDir: config.dataDir }),
  };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs.stop().catch(() => undefined);
  await ctx.sessionCache.close().catch(() => undefined);
  await ctx.mailer.close().catch(() => undefined);
  await ctx.rateLimiter.close().catch(() => undefined);
  await ctx.keys.close().catch(() => undefined);
  await ctx.forgetList.close().catch(() => undefined);
  await ctx.database.close().catch(() => undefined);
}
