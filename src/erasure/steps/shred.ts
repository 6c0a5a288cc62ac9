import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { destroyUserDocuments } from '../../documents/document-links.ts';
import { documents } from '../../documents/documents.tables.ts';
import { completeStep, type RunRow, type StepRow } from '../run-state.ts';
import { VerificationFailed } from '../step-errors.ts';
import { documentResidue } from './verify.ts';

/**
 * Crypto-shredding, last but one: the document keys and files, then the buyer's own key. After
 * this nothing encrypted for the buyer can be read anywhere — dead row versions, WAL, backups and
 * replicas included. Both calls are safe to repeat after a crash.
 */
export async function runShred(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  await destroyUserDocuments(ctx, run.userId);
  // The residue check of the documents: ciphertext no scan can read, so checked by name.
  const residue = await documentResidue(ctx, run.userId);
  if (residue > 0) throw new VerificationFailed(`encrypted bytes of ${residue} document(s) are still in the document storage`);
  await ctx.keys.destroySubjectKey(run.userId);
  // Counted, not taken from the call: a resumed step must report what the first attempt did.
  const [{ n }] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(documents)
    .where(and(eq(documents.userId, run.userId), eq(documents.destroyReason, 'erasure')));
  await completeStep(ctx, run, step, { rows: n, result: { documentKeysDestroyed: n, subjectKey: 'destroyed' } });
}
