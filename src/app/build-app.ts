import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { frameworkErrors, installErrorHandler, installNotFound } from '../http/error-handler.ts';
import { installNulGuard } from '../http/refuse-nul.ts';
import { installRequestAuth } from '../accounts/request-auth.ts';
import { swaggerOptions } from './openapi-document.ts';
import { healthRoutes } from '../http/health.routes.ts';
import { installMetrics } from '../metrics/install-metrics.ts';
import { installRequestLog } from '../http/request-log.ts';
import { accountsRoutes } from '../accounts/accounts.routes.ts';
import { identityRoutes } from '../identity/identity.routes.ts';
import { devRoutes } from '../dev/dev.routes.ts';
import { shopRoutes } from '../shop/shop.routes.ts';
import { shopDevRoutes } from '../shop/shop-dev.routes.ts';
import { eligibilityRoutes } from '../eligibility/eligibility.routes.ts';
import { documentsRoutes } from '../documents/documents.routes.ts';
import { cancellationRoutes } from '../cancellation/cancellation.routes.ts';
import { attachDocuments, scheduleDocumentDisposal } from '../documents/document-links.ts';
import { installFrozenGuard } from '../cancellation/frozen-guard.ts';
import { reviewRoutes } from '../review/review.routes.ts';
import { staffRoutes } from '../accounts/staff.routes.ts';
import { erasureRoutes } from '../erasure/erasure.routes.ts';
import { exportRoutes } from '../export/export.routes.ts';

/**
 * Every route validates and serializes through zod. Given to the constructor too (not only by
 * setValidatorCompiler after it), so Fastify never loads its default Ajv and fast-json-stringify
 * builders: ~50 ms of every start, for compilers no route uses. Fastify types these builders for
 * Ajv schemas only.
 */
const ZOD_COMPILERS = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<FastifyServerOptions['schemaController']>['compilersFactory'];

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Builds the whole HTTP app without listening, so tests can `inject` requests. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  // One app type everywhere: feature plugins are typed against the default instance.
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    // One line per request, written by installRequestLog when it ends (not Fastify's two).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: ctx.config.http.trustProxy,
    frameworkErrors,
    schemaController: { compilersFactory: ZOD_COMPILERS },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installNulGuard(app);

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(swagger, swaggerOptions(ctx.config));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  installRequestAuth(app, ctx);
  installFrozenGuard(app);
  installMetrics(app, ctx);
  installRequestLog(app);
  await app.register(healthRoutes(ctx));
  await app.register(accountsRoutes(ctx));
  await app.register(identityRoutes(ctx));
  await app.register(documentsRoutes(ctx));
  await app.register(shopRoutes(ctx));
  await app.register(eligibilityRoutes(ctx));
  await app.register(cancellationRoutes(ctx, { attach: attachDocuments, scheduleDisposal: scheduleDocumentDisposal }));
  await app.register(reviewRoutes(ctx));
  await app.register(staffRoutes(ctx));
  await app.register(erasureRoutes(ctx));
  await app.register(exportRoutes(ctx));
  if (ctx.config.devTools) await app.register(devRoutes(ctx));
  if (ctx.config.devTools) await app.register(shopDevRoutes(ctx));

  const hasWeb = existsSync(WEB_DIST);
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  installNotFound(app, hasWeb);
  return app;
}
