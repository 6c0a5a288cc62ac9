import Fastify, { type FastifyInstance } from 'fastify';

/** The baseline server: bare Fastify, one route, answering with fixed bytes. */
export async function startBareServer(path: string, body: string, contentType = 'application/json; charset=utf-8'): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  const bytes = Buffer.from(body);
  app.get(path, async (_request, reply) => reply.header('content-type', contentType).send(bytes));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

/**
 * The database floor: bare Fastify answering the same bytes after running the very statements the
 * app ran for that request, through the raw driver. The gap between this and the app is the app's
 * own cost; the gap between this and `startBareServer` is the database's.
 */
export async function startSqlFloorServer(
  path: string,
  body: string,
  contentType: string,
  run: () => Promise<unknown>,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  const bytes = Buffer.from(body);
  app.get(path, async (_request, reply) => {
    await run();
    return reply.header('content-type', contentType).send(bytes);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}
