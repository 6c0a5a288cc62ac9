import { and, desc, eq, lt } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireRole } from '../accounts/request-auth.ts';
import { auditLog } from '../audit/audit.tables.ts';
import { verifyAuditChain } from '../audit/audit-log.ts';
import { planErasure, describeStep } from '../domain/erasure-plan.ts';
import { dataMap } from './datamap.ts';
import { deletionCertificates } from './erasure.tables.ts';
import { certificateJwks } from './certificate-keys.ts';
import { getRunView, listRunViews, webhookHealth } from './erasure-views.ts';
import { enableEndpoint, recordDownstreamException, retryFailedRun } from './admin-actions.ts';
import { dryRunErasure } from './dry-run.ts';
import { acceptConfirmation } from './webhooks/confirmations.ts';
import { CONFIRMATIONS_PATH } from './webhooks/deliver.ts';
import { id, idParams, name } from '../http/params.ts';

const AUDIT_PAGE = 50;

/** Public: certificates by their unguessable id, and the keys to check them. */
function publicRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/certificates/:id', { schema: { tags: ['erasure'], params: idParams } }, async (request) => {
      const [certificate] = await ctx.db.select().from(deletionCertificates).where(eq(deletionCertificates.id, request.params.id));
      if (!certificate) throw new AppError('CERTIFICATE_NOT_FOUND');
      return { id: certificate.id, jws: certificate.jws, payload: certificate.payload };
    });

    app.get('/.well-known/adieu/certificate-keys', { schema: { tags: ['erasure'] } }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return certificateJwks(ctx.keys);
    });
  };
}

/**
 * The signed callback of downstream receivers. Its own plugin keeps the raw body (the signature is
 * over the exact bytes), without changing JSON parsing anywhere else.
 */
function confirmationRoute(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    app.post(CONFIRMATIONS_PATH, { schema: { tags: ['erasure'] } }, async (request) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      if (typeof request.body !== 'string') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      return acceptConfirmation(ctx, { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') }, request.body);
    });
  };
}

function adminRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/admin/erasures',
      {
        schema: {
          tags: ['admin'],
          querystring: z.object({ applicationId: id.optional(), state: z.enum(['running', 'pending_external', 'completed', 'failed']).optional() }),
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        return listRunViews(ctx, request.query);
      },
    );

    app.get('/api/admin/erasures/preview', { schema: { tags: ['admin'], querystring: z.object({ subject: z.string().min(1).max(100) }) } }, async (request) => {
      requireRole(request, 'admin');
      return dryRunErasure(ctx, request.query.subject);
    });

    app.get('/api/admin/erasures/:id', { schema: { tags: ['admin'], params: idParams } }, async (request) => {
      requireRole(request, 'admin');
      return getRunView(ctx, request.params.id);
    });

    app.post(
      '/api/admin/erasures/:id/exceptions',
      { schema: { tags: ['admin'], params: idParams, body: z.object({ name: z.string().min(1).max(63), reason: z.string().trim().min(10).max(1000) }).strict() } },
      async (request) => {
        const { user } = requireRole(request, 'admin');
        await recordDownstreamException(ctx, request.params.id, request.body, user);
        return getRunView(ctx, request.params.id);
      },
    );

    app.post('/api/admin/erasures/:id/retry', { schema: { tags: ['admin'], params: idParams } }, async (request) => {
      const { user } = requireRole(request, 'admin');
      await retryFailedRun(ctx, request.params.id, user);
      return getRunView(ctx, request.params.id);
    });

    app.get('/api/admin/webhooks', { schema: { tags: ['admin'] } }, async (request) => {
      requireRole(request, 'admin');
      return webhookHealth(ctx);
    });

    app.post('/api/admin/webhooks/:name/enable', { schema: { tags: ['admin'], params: z.object({ name }) } }, async (request) => {
      const { user } = requireRole(request, 'admin');
      await enableEndpoint(ctx, request.params.name, user);
      return webhookHealth(ctx);
    });

    app.get('/api/admin/datamap', { schema: { tags: ['admin'] } }, async (request) => {
      requireRole(request, 'admin');
      const map = dataMap(ctx.config);
      const plan = planErasure(map);
      return {
        hash: map.hash,
        stores: map.stores.map((s) => ({ store: s.store, title: s.title, database: s.database === 'adieu' ? 'adieu' : `config:${s.database.config}`, vacuum: s.vacuum, tables: s.tables })),
        plan: plan.steps.map((step, seq) => ({ seq, kind: step.kind, ...describeStep(step) })),
        categories: plan.categories,
      };
    });

    app.get(
      '/api/admin/audit',
      {
        schema: {
          tags: ['admin'],
          querystring: z.object({ cursor: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(), subject: z.string().max(100).optional(), action: z.string().max(100).optional() }),
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { cursor, subject, action } = request.query;
        const rows = await ctx.db
          .select()
          .from(auditLog)
          .where(and(cursor ? lt(auditLog.seq, cursor) : undefined, subject ? eq(auditLog.subject, subject) : undefined, action ? eq(auditLog.action, action) : undefined))
          .orderBy(desc(auditLog.seq))
          .limit(AUDIT_PAGE + 1);
        const page = rows.slice(0, AUDIT_PAGE);
        return {
          items: page.map((r) => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, subject: r.subject, target: r.target, data: r.data, hash: r.hash })),
          nextCursor: rows.length > AUDIT_PAGE ? String(page[page.length - 1].seq) : null,
        };
      },
    );

    app.get('/api/admin/audit/verify', { schema: { tags: ['admin'] } }, async (request) => {
      requireRole(request, 'admin');
      return verifyAuditChain(ctx.db);
    });
  };
}

export function erasureRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(publicRoutes(ctx));
    await app.register(confirmationRoute(ctx));
    await app.register(adminRoutes(ctx));
  };
}
