import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { deletionCertificates } from './erasure.tables.ts';

/** A certificate by its unguessable id, as GET /api/certificates/:id serves it. */
export async function findCertificate(ctx: AppContext, id: string): Promise<{ id: string; jws: string; payload: unknown }> {
  const [certificate] = await ctx.db.select().from(deletionCertificates).where(eq(deletionCertificates.id, id));
  if (!certificate) throw new AppError('CERTIFICATE_NOT_FOUND');
  return { id: certificate.id, jws: certificate.jws, payload: certificate.payload };
}
