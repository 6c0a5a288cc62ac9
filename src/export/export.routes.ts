import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { isReauthenticated } from '../accounts/sessions.ts';
import { requireRole, requireUser } from '../accounts/request-auth.ts';
import { id, idParams } from '../http/params.ts';
import { listExports, openDownload, requestExport, requestExportForBuyer } from './request-export.ts';

/** "Download my data": the buyer's own exports, and an admin starting one for a buyer. */
export function exportRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/account/exports', { schema: { tags: ['account'] } }, async (request, reply) => {
      const { user, session } = requireUser(request);
      // A stolen cookie alone must not be enough to take a copy of everything.
      if (!isReauthenticated(ctx, session)) throw new AppError('REAUTH_REQUIRED');
      return reply.status(202).send(await requestExport(ctx, user, { role: 'buyer', actorSubjectId: user.subjectId }));
    });

    app.get('/api/account/exports', { schema: { tags: ['account'] } }, async (request) => {
      const { user } = requireUser(request);
      return listExports(ctx, user.id);
    });

    app.get('/api/account/exports/:id/download', { schema: { tags: ['account'], params: idParams } }, async (request, reply) => {
      const { user, session } = requireUser(request);
      const file = await openDownload(ctx, user, session, request.params.id);
      return reply
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('content-length', String(file.bytes))
        .type('application/zip')
        .send(file.stream);
    });

    app.post('/api/admin/exports', { schema: { tags: ['admin'], body: z.object({ userId: id }).strict() } }, async (request, reply) => {
      const { user, session } = requireRole(request, 'admin');
      if (!isReauthenticated(ctx, session)) throw new AppError('REAUTH_REQUIRED');
      return reply.status(202).send(await requestExportForBuyer(ctx, user, request.body.userId));
    });
  };
}
