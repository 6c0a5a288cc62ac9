import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../accounts/request-auth.ts';
import { LOCALES } from '../notify/render.ts';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../domain/application-transitions.ts';
import { listReviewerMessages, postReviewerMessage } from '../cancellation/application-messages.ts';
import { FREE_TEXT_MAX } from '../cancellation/reason-codes.ts';
import { listQueue } from './review-queue.ts';
import { claimApplication, releaseClaim } from './claim-application.ts';
import { reviewDetail } from './application-detail.ts';
import { decideApplication } from './decide-application.ts';
import { listGuidanceTemplates, saveGuidanceTemplates } from './guidance-templates.ts';
import { slaReport } from './sla-report.ts';
import { DECISION_OUTCOMES, GUIDANCE_CODES } from './decision-reasons.ts';
import { idParams } from '../http/params.ts';

const statusList = z
  .string()
  .max(200)
  .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(APPLICATION_STATUSES)));

/** The review console (API.md "Review console"): role reviewer, and admins may do everything. */
export function reviewRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/review/applications',
      {
        schema: {
          tags: ['review'],
          querystring: z.object({ status: statusList.optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(100).optional() }),
        },
      },
      async (request) => {
        const { user } = requireRole(request, 'reviewer');
        return listQueue(ctx, user.id, { statuses: request.query.status as ApplicationStatus[] | undefined, cursor: request.query.cursor, limit: request.query.limit });
      },
    );

    app.get('/api/review/applications/:id', { schema: { tags: ['review'], params: idParams } }, async (request) =>
      reviewDetail(ctx, requireRole(request, 'reviewer').user, request.params.id),
    );

    app.post('/api/review/applications/:id/claim', { schema: { tags: ['review'], params: idParams } }, async (request) =>
      claimApplication(ctx, requireRole(request, 'reviewer').user, request.params.id),
    );

    app.delete('/api/review/applications/:id/claim', { schema: { tags: ['review'], params: idParams } }, async (request, reply) => {
      await releaseClaim(ctx, requireRole(request, 'reviewer').user, request.params.id);
      return reply.status(204).send();
    });

    app.post(
      '/api/review/applications/:id/decision',
      {
        schema: {
          tags: ['review'],
          params: idParams,
          body: z
            .object({
              outcome: z.enum(DECISION_OUTCOMES),
              reasonCode: z.string().max(40).optional(),
              message: z.string().max(FREE_TEXT_MAX).optional(),
              version: z.number().int().min(1).optional(),
            })
            .strict(),
        },
      },
      async (request) => decideApplication(ctx, requireRole(request, 'reviewer').user, request.params.id, request.body),
    );

    app.get('/api/review/applications/:id/messages', { schema: { tags: ['review'], params: idParams } }, async (request) => {
      return listReviewerMessages(ctx, requireRole(request, 'reviewer').user, request.params.id);
    });

    app.post(
      '/api/review/applications/:id/messages',
      { schema: { tags: ['review'], params: idParams, body: z.object({ body: z.string().min(1).max(FREE_TEXT_MAX) }).strict() } },
      async (request, reply) => reply.status(201).send(await postReviewerMessage(ctx, requireRole(request, 'reviewer').user, request.params.id, request.body.body)),
    );

    app.get('/api/review/guidance-templates', { schema: { tags: ['review'] } }, async (request) => {
      requireRole(request, 'reviewer');
      return { items: await listGuidanceTemplates(ctx.db) };
    });

    app.put(
      '/api/review/guidance-templates',
      {
        schema: {
          tags: ['review'],
          body: z
            .object({
              items: z
                .array(z.object({ reasonCode: z.enum(GUIDANCE_CODES as [string, ...string[]]), locale: z.enum(LOCALES), body: z.string().max(FREE_TEXT_MAX) }).strict())
                .min(1)
                .max(50),
            })
            .strict(),
        },
      },
      async (request) => {
        const { user } = requireRole(request, 'admin');
        return { items: await saveGuidanceTemplates(ctx, user, request.body.items as Parameters<typeof saveGuidanceTemplates>[2]) };
      },
    );

    app.get(
      '/api/admin/reports/sla',
      { schema: { tags: ['admin'], querystring: z.object({ days: z.coerce.number().int().min(1).max(365).optional() }) } },
      async (request) => {
        requireRole(request, 'admin');
        return slaReport(ctx, request.query.days ?? 30);
      },
    );
  };
}
