import type { Locale } from '../domain/locales.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { rateLimiter } from '../accounts/sign-in.ts';
import { checkEligibility, type EligibilityReport } from './check-eligibility.ts';

/** Checks a buyer may ask for per minute: the UI asks again after each thing resolved, never this often. */
export const ELIGIBILITY_CHECKS_PER_MINUTE = 20;

/** Checks under way in this process, per buyer and language, so a burst costs one provider round. */
const inFlight = new WeakMap<AppContext, Map<string, Promise<EligibilityReport>>>();

/**
 * The signed-in buyer's own eligibility check. Each check may go out to the platform's services, so
 * a buyer is limited per minute (on every server: the limiter is shared), and concurrent checks of
 * one buyer share one answer.
 */
export async function buyerEligibility(ctx: AppContext, userId: string, locale: Locale): Promise<EligibilityReport> {
  const pace = await (await rateLimiter(ctx)).hit('eligibility-user', userId, ELIGIBILITY_CHECKS_PER_MINUTE, 60, ctx.clock.now());
  if (!pace.allowed) throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(pace.retryAfterSeconds) } });
  let running = inFlight.get(ctx);
  if (!running) inFlight.set(ctx, (running = new Map()));
  const key = `${userId}\u0000${locale}`;
  const pending = running.get(key);
  if (pending) return pending;
  const check = checkEligibility(ctx, ctx.db, userId, locale).finally(() => running.delete(key));
  running.set(key, check);
  return check;
}
