import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** The path (`a.b.0`) of the first string, value or key, that holds a NUL; walked without recursion. */
export function nulPath(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [next, path] = stack.pop()!;
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return path;
    } else if (Array.isArray(next)) {
      next.forEach((inner, i) => stack.push([inner, path ? `${path}.${i}` : String(i)]));
    } else if (next !== null && typeof next === 'object' && !Buffer.isBuffer(next)) {
      for (const [key, inner] of Object.entries(next)) {
        const at = path ? `${path}.${key.replaceAll('\u0000', '\\0')}` : key.replaceAll('\u0000', '\\0');
        if (key.includes('\u0000')) return at;
        stack.push([inner, at]);
      }
    }
  }
  return null;
}

/**
 * PostgreSQL cannot store a NUL byte in text (error 22021), and no field of Adieu has a use for
 * one. The route schemas refuse them field by field; this guard refuses them in any string of the
 * path, query or JSON body before validation, so a field a schema forgot cannot reach the database.
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (nulPath(request.params) !== null) throw new AppError('NOT_FOUND');
    const at = nulPath(request.query) ?? nulPath(request.body);
    if (at !== null) throw new AppError('VALIDATION_FAILED', { fields: { [at.slice(0, 100) || '(body)']: 'must not contain NUL characters' } });
  });
}
