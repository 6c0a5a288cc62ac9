import { LOCALES } from '../domain/locales.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireUser } from '../accounts/request-auth.ts';
import { buyerEligibility } from './buyer-eligibility.ts';
import { toEligibilityLocale } from './texts.ts';

export function eligibilityRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    /**
     * The signed-in buyer's own eligibility, in their language: the account's `locale`, unless the
     * request names one (`?locale=`). Read-only and cheap (one aggregate query plus any configured
     * platform services), so the UI may ask again after each thing the buyer resolves; limited per
     * buyer, and concurrent checks of one buyer are answered by one.
     */
    app.get(
      '/api/cancellation/eligibility',
      { schema: { tags: ['cancellation'], querystring: z.object({ locale: z.enum(LOCALES).optional() }) } },
      async (request, reply) => {
        const { user } = requireUser(request);
        const locale = request.query.locale ?? toEligibilityLocale(user.locale);
        reply.header('cache-control', 'no-store');
        return buyerEligibility(ctx, user.id, locale);
      },
    );
  };
}
