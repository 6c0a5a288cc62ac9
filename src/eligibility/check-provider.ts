import { LOCALES, type Locale } from '../domain/locales.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { ShopFacts } from '../domain/eligibility.ts';

/** Eligibility is worded in every language buyers read (src/domain/locales.ts). */
export const ELIGIBILITY_LOCALES = LOCALES;
export type EligibilityLocale = Locale;

/** One thing that stops (blocker) or should give pause (warning) before an account is closed. */
export interface Blocker {
  code: string;
  title: string;
  detail: string;
  count?: number;
  /** `value` in minor units (fen, cents), e.g. 8850 CNY is ¥88.50; `detail` carries it formatted. */
  amount?: { value: number; currency: string };
  resolveHint: string;
  /** Path of the web UI page where the buyer resolves it. */
  link?: string;
}

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
  /** The built-in marketplace's facts, when the caller read them with the buyer's row (one statement for the whole check). */
  shopFacts?: ShopFacts;
}

/** One source of blockers and warnings: the built-in marketplace, or a platform's own service. */
export interface CheckProvider {
  name: string;
  check(input: CheckInput): Promise<{ blockers: Blocker[]; warnings: Blocker[] }>;
  /** Several buyers at once (same `ctx` and `db`), in the order given: one round trip instead of one per buyer. */
  checkMany?(inputs: CheckInput[]): Promise<Array<{ blockers: Blocker[]; warnings: Blocker[] }>>;
}
