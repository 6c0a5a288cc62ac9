import type { Locale } from '../domain/locales.ts';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { users } from '../accounts/accounts.tables.ts';
import { combineResults } from '../domain/eligibility.ts';
import type { Blocker, CheckInput, CheckProvider } from './check-provider.ts';
import { shopProvider } from './providers/shop-provider.ts';
import { httpProvider } from './providers/http-provider.ts';
import { describeConsequences, toEligibilityLocale } from './texts.ts';

export type { Blocker };


export interface EligibilityReport {
  eligible: boolean;
  blockers: Blocker[];
  warnings: Blocker[];
  consequences: string[];
}

/** The built-in marketplace, then every platform service of `eligibility.providers`. */
export function eligibilityProviders(ctx: AppContext): CheckProvider[] {
  return [shopProvider, ...ctx.config.eligibility.providers.map(httpProvider)];
}

/**
 * Asks every provider, in parallel, whether anything keeps the buyer from closing the account.
 * `db` may be the caller's transaction (submission and approval re-check inside theirs); then the
 * built-in provider reads through it and sees the transaction's own writes. HTTP providers run
 * outside it. Eligible only when every provider answered and none reported a blocker.
 * `locale` defaults to the buyer's own.
 */
export async function checkEligibility(ctx: AppContext, db: Db, userId: string, locale?: Locale): Promise<EligibilityReport> {
  const [user] = await db.select({ subjectId: users.subjectId, locale: users.locale }).from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new AppError('NOT_FOUND', { resource: 'user' }, { message: 'No such user.' });
  const lang = locale ?? toEligibilityLocale(user.locale);
  const [combined] = await askProviders(ctx, [{ ctx, db, userId, subjectId: user.subjectId, locale: lang }]);
  return { ...combined, consequences: describeConsequences(lang, ctx.config.erasure.graceDays) };
}

/**
 * Every provider's answer for each buyer of `inputs`, combined per buyer, in the order given: one
 * call per provider that can check several buyers at once, one call per buyer otherwise.
 */
async function askProviders(ctx: AppContext, inputs: CheckInput[]): Promise<Array<{ eligible: boolean; blockers: Blocker[]; warnings: Blocker[] }>> {
  const perProvider = await Promise.all(
    eligibilityProviders(ctx).map((provider) => (provider.checkMany ? provider.checkMany(inputs) : Promise.all(inputs.map((input) => provider.check(input))))),
  );
  return inputs.map((_, i) => combineResults(perProvider.map((results) => results[i])));
}

/** How many blockers each buyer has right now (the review queue's live column). */
export async function countBlockersMany(
  ctx: AppContext,
  db: Db,
  buyers: Array<{ userId: string; subjectId: string; locale: string | null }>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (buyers.length === 0) return counts;
  const inputs = buyers.map((b) => ({ ctx, db, userId: b.userId, subjectId: b.subjectId, locale: toEligibilityLocale(b.locale) }));
  const combined = await askProviders(ctx, inputs);
  inputs.forEach((input, i) => counts.set(input.userId, combined[i].blockers.length));
  return counts;
}
