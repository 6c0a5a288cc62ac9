import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** Whether any string (value or key) in a parsed value holds a NUL, walked without recursion. */
function hasNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return true;
    } else if (Array.isArray(next)) {
      stack.push(...next);
    } else if (next !== null && typeof next === 'object' && !Buffer.isBuffer(next)) {
      for (const [key, inner] of Object.entries(next)) {
        if (key.includes('\u0000')) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

/**
 * PostgreSQL cannot store a NUL byte in text (error 22021), and no field of Adieu has a use for
 * one. The route schemas refuse them field by field; this guard refuses them in any string of the
 * path, query or JSON body before validation, so a field a schema forgot cannot reach the database.
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (hasNul(request.params)) throw new AppError('NOT_FOUND');
    if (hasNul(request.query) || hasNul(request.body)) {
      throw new AppError('VALIDATION_FAILED', { fields: { '(request)': 'must not contain NUL characters' } });
    }
  });
}
