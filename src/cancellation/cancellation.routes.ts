import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireUser } from '../accounts/request-auth.ts';
import { latestApplicationView } from './application-view.ts';
import { submitApplication } from './submit-application.ts';
import { withdrawApplication } from './withdraw-application.ts';
import { resubmitApplication } from './resubmit-application.ts';
import type { ApplicationDocuments } from './application-documents.ts';
import { listBuyerMessages, postBuyerMessage } from './application-messages.ts';
import { BUYER_REASON_CODES, FREE_TEXT_MAX } from './reason-codes.ts';

const documentIds = z.array(z.string().min(1).max(100)).max(50);

/** The signed-in buyer's own cancellation request (API.md "Cancellation"). */
/** `documents`: the identity-document store, wired by src/app/. */
export function cancellationRoutes(ctx: AppContext, documents: ApplicationDocuments): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/cancellation', { schema: { tags: ['cancellation'] } }, async (request) => {
      const { user } = requireUser(request);
      return { application: await latestApplicationView(ctx, ctx.db, user.id) };
    });

    app.post(
      '/api/cancellation',
      {
        schema: {
          tags: ['cancellation'],
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
          body: z
            .object({
              reasonCode: z.enum(BUYER_REASON_CODES),
              reasonText: z.string().max(FREE_TEXT_MAX).optional(),
              documentIds,
              acknowledge: z.literal(true),
            })
            .strict(),
        },
      },
      async (request, reply) => {
        const answer = await submitApplication(ctx, requireUser(request), request.body, documents, request.headers['idempotency-key']);
        return reply.status(answer.status).send(answer.body);
      },
    );

    app.post('/api/cancellation/withdraw', { schema: { tags: ['cancellation'] } }, async (request) => withdrawApplication(ctx, requireUser(request).user, documents));

    app.post(
      '/api/cancellation/resubmit',
      {
        schema: {
          tags: ['cancellation'],
          body: z.object({ reasonText: z.string().max(FREE_TEXT_MAX).optional(), documentIds: documentIds.optional() }).strict(),
        },
      },
      async (request) => resubmitApplication(ctx, requireUser(request), request.body, documents),
    );

    app.get('/api/cancellation/messages', { schema: { tags: ['cancellation'] } }, async (request) => listBuyerMessages(ctx, requireUser(request).user));

    app.post(
      '/api/cancellation/messages',
      { schema: { tags: ['cancellation'], body: z.object({ body: z.string().min(1).max(FREE_TEXT_MAX) }).strict() } },
      async (request, reply) => reply.status(201).send(await postBuyerMessage(ctx, requireUser(request).user, request.body.body)),
    );
  };
}
