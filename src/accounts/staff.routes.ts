import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireRole } from './request-auth.ts';
import { idParams } from '../http/params.ts';
import { addStaff, listStaff, removeStaff } from './staff.ts';

/** Staff accounts in the admin UI: the same service as `adieu staff`, with the admin as the actor. */
export function staffRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/admin/staff', { schema: { tags: ['admin'] } }, async (request) => {
      requireRole(request, 'admin');
      return { items: await listStaff(ctx) };
    });

    app.post(
      '/api/admin/staff',
      { schema: { tags: ['admin'], body: z.object({ email: z.string().min(3).max(320), role: z.enum(['reviewer', 'admin']) }).strict() } },
      async (request, reply) => {
        const { user } = requireRole(request, 'admin');
        const added = await addStaff(ctx, { ...request.body, actor: user.subjectId });
        return reply.code(201).send({ ...added, expiresAt: added.expiresAt?.toISOString() ?? null });
      },
    );

    app.delete('/api/admin/staff/:id', { schema: { tags: ['admin'], params: idParams } }, async (request, reply) => {
      const { user } = requireRole(request, 'admin');
      // Locking oneself out of the admin UI takes the CLI (or another admin).
      if (request.params.id === user.id) throw new AppError('VALIDATION_FAILED', { fields: { id: 'You cannot remove your own staff roles here.' } });
      await removeStaff(ctx, { userId: request.params.id, actor: user.subjectId });
      return reply.code(204).send();
    });
  };
}
