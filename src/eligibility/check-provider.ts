import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Blocker } from './check-eligibility.ts';
import type { EligibilityLocale } from './texts.ts';

export interface CheckInput {
  ctx: AppContext;
  /** The caller's database handle; may be a transaction (then only it may be used). */
  db: Db;
  userId: string;
  /** Pseudonymous id, sent to HTTP providers. */
  subjectId: string;
  /** The platform's own id of the buyer, when the platform named them (sent to HTTP providers). */
  externalId?: string | null;
  locale: EligibilityLocale;
}

/** One source of blockers and warnings: the built-in marketplace, or a platform's own service. */
export interface CheckProvider {
  name: string;
  check(input: CheckInput): Promise<{ blockers: Blocker[]; warnings: Blocker[] }>;
  /** Several buyers at once (same `ctx` and `db`), in the order given: one round trip instead of one per buyer. */
  checkMany?(inputs: CheckInput[]): Promise<Array<{ blockers: Blocker[]; warnings: Blocker[] }>>;
}
