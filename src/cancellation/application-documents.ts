import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';

/**
 * What the workflow needs from the identity-document store, wired by `src/app/` (documents knows
 * applications; the workflow only asks it, inside its own transaction, to attach or dispose).
 */
export interface ApplicationDocuments {
  attach(ctx: AppContext, tx: Db, userId: string, applicationId: string, documentIds: string[]): Promise<void>;
  scheduleDisposal(ctx: AppContext, tx: Db, applicationId: string): Promise<void>;
}
