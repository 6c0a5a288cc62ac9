import type { Locale } from '../domain/locales.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { combineResults } from '../domain/eligibility.ts';
import type { Blocker, CheckInput, CheckProvider } from './check-provider.ts';
import { loadBuyerWithShopFacts, shopProvider } from './providers/shop-provider.ts';
import { httpProvider } from './providers/http-provider.ts';
import { externalIdOf, externalIdsOf } from '../identity/external-id.ts';
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
  const buyer = await loadBuyerWithShopFacts({ ctx, db }, userId);
  if (!buyer) throw new AppError('NOT_FOUND', { resource: 'user' }, { message: 'No such user.' });
  const lang = locale ?? toEligibilityLocale(buyer.locale);
  // Only the platform's services are told the external id.
  const externalId = ctx.config.eligibility.providers.length > 0 ? await externalIdOf(ctx, db, userId) : null;
  const [combined] = await askProviders(ctx, [{ ctx, db, userId, subjectId: buyer.subjectId, externalId, locale: lang, shopFacts: buyer.shopFacts }]);
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
  const externalIds = ctx.config.eligibility.providers.length > 0 ? await externalIdsOf(ctx, db, buyers.map((b) => b.userId)) : new Map<string, string>();
  const inputs = buyers.map((b) => ({ ctx, db, userId: b.userId, subjectId: b.subjectId, externalId: externalIds.get(b.userId) ?? null, locale: toEligibilityLocale(b.locale) }));
  const combined = await askProviders(ctx, inputs);
  inputs.forEach((input, i) => counts.set(input.userId, combined[i].blockers.length));
  return counts;
}
