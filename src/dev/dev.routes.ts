import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { AdjustableClock } from '../clock/clock.ts';
import { parseDuration } from '../domain/duration.ts';

/** Dev tools (`devTools: true`, never in production): mailbox, clock, jobs, shop fixtures. */
export function devRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/dev/mailbox', { schema: { tags: ['dev'], querystring: z.object({ to: z.string().max(320).optional() }) } }, async (request) =>
      ctx.mailbox.list(request.query.to),
    );

    app.post(
      '/api/dev/clock',
      { schema: { tags: ['dev'], body: z.union([z.object({ advance: z.string().max(40) }).strict(), z.object({ set: z.iso.datetime({ offset: true }) }).strict()]) } },
      async (request) => {
        if (!(ctx.clock instanceof AdjustableClock)) throw new AppError('DEV_TOOLS_DISABLED');
        const body = request.body as { advance?: string; set?: string };
        let target: Date;
        if (body.advance !== undefined) {
          const ms = parseDuration(body.advance);
          if (ms === null) throw new AppError('VALIDATION_FAILED', { fields: { advance: 'an ISO 8601 duration such as P16D or PT2H' } });
          target = new Date(ctx.clock.now().getTime() + ms);
        } else {
          target = new Date(body.set!);
        }
        const now = await ctx.clock.set(ctx.db, target);
        return { now: now.toISOString() };
      },
    );

    app.get('/api/dev/clock', { schema: { tags: ['dev'] } }, async () => ({ now: ctx.clock.now().toISOString() }));

    app.post('/api/dev/jobs/run', { schema: { tags: ['dev'] } }, async () => ({ queues: await ctx.jobs.runDue() }));
  };
}
