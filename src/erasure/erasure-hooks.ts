import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';

/**
 * What the engine asks of the rest of the house, wired by `src/app/`: the engine knows subjects,
 * runs and stores; the workflow that asked for the run and the features that keep the subject's
 * files plug in here, so the engine never imports them.
 */
export interface ErasureHooks {
  /**
   * In the transaction of the run's first step (prepare): whatever else still holds a copy of the
   * subject's data for them, such as a data export, ends now.
   */
  subjectErasing(ctx: AppContext, tx: Db, userId: string): Promise<void>;
  /** In the transaction that completes a run: the request it fulfilled is done, with this certificate. */
  runCompleted(ctx: AppContext, tx: Db, run: { requestId: string; certificateId: string }): Promise<void>;
  /**
   * Crypto-shreds the subject's files (safe to repeat after a crash) and returns how many keys the
   * erasure destroyed in all, counting earlier attempts.
   */
  shredFiles(ctx: AppContext, userId: string): Promise<number>;
  /** For the certificate: which downstream receivers confirmed that the account was frozen before the erasure. */
  freezeConfirmations(db: Db, requestId: string): Promise<{ confirmedBy: Array<{ receiver: string; confirmedAt: string }>; notConfirmedBy: string[] }>;
}
