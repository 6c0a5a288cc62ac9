import Fastify, { type FastifyInstance } from 'fastify';

/** The baseline server: bare Fastify, one route, answering with fixed bytes. */
export async function startBareServer(path: string, body: string, contentType = 'application/json; charset=utf-8'): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  const bytes = Buffer.from(body);
  app.get(path, async (_request, reply) => reply.header('content-type', contentType).send(bytes));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}
