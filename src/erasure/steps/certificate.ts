import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { newId } from '../../ids.ts';
import { describeStep, type SqlStep } from '../../domain/erasure-plan.ts';
import { deletionCertificates, erasureRetentions, erasureRuns } from '../erasure.tables.ts';
import { signingKey } from '../certificate-keys.ts';
import type { KeyStore } from '../../keys/key-store.ts';
import { loadJose } from '../../keys/load-jose.ts';
import { downstreamOf } from '../downstream-state.ts';
import type { ErasureHooks } from '../erasure-hooks.ts';
import { lockForStep, markStepDone, stepsOf, type RunRow, type StepRow } from '../run-state.ts';
import { loadRunSecrets } from '../run-secrets.ts';
import { certificateExternalIdHash } from '../certificate-external-id.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The certificate's content: what was done where, what was kept and why, who downstream confirmed. */
async function buildPayload(ctx: AppContext, run: RunRow, id: string, issuedAt: Date, hooks: ErasureHooks): Promise<Record<string, unknown>> {
  const steps = await stepsOf(ctx.db, run.id);
  const retained = await ctx.db.select().from(erasureRetentions).where(eq(erasureRetentions.runId, run.id));
  const receivers = await downstreamOf(ctx.db, run.id);
  const doneAt = (kind: string) => iso(steps.find((s) => s.spec.kind === kind)?.doneAt);

  const stores = new Map<string, { store: string; rows: number; scrub: string; tables: Array<{ table: string; action: string; rows: number }> }>();
  for (const step of steps) {
    if (step.spec.kind !== 'sql' && step.spec.kind !== 'keys' && step.spec.kind !== 'files') continue;
    const label = describeStep(step.spec);
    if (!stores.has(label.store)) stores.set(label.store, { store: label.store, rows: 0, scrub: 'none', tables: [] });
    const entry = stores.get(label.store)!;
    entry.rows += step.rows ?? 0;
    entry.tables.push({ table: label.table, action: label.action, rows: step.rows ?? 0 });
  }
  // Which scrub ran on each store (see steps/vacuum.ts); a store without one had nothing rewritten.
  for (const step of steps) {
    if (step.spec.kind !== 'vacuum') continue;
    const entry = stores.get(step.spec.store);
    if (entry) entry.scrub = ((step.result as { level?: string } | null)?.level ?? 'vacuum');
  }
  const keptColumns = new Map(steps.filter((s) => s.spec.kind === 'sql').map((s) => [(s.spec as SqlStep).table, (s.spec as SqlStep).retainedColumns ?? []]));
  const shred = steps.find((s) => s.spec.kind === 'shred');
  // Links to the platform's accounts ((issuer, sub) pairs) deleted by the run.
  const unlinked = steps.find((s) => s.spec.kind === 'unlink' || (s.spec.kind === 'sql' && (s.spec as SqlStep).table === 'public.external_identities'))?.rows ?? 0;
  // The platform's id only as a keyed hash: the certificate is public by its id, and a platform's
  // ids are guessable (often numbers), so a plain hash would name the buyer.
  const secrets = await loadRunSecrets(ctx, run);
  const externalIdHash = secrets?.externalId ? await certificateExternalIdHash(ctx, secrets.externalId) : null;
  const verify = steps.find((s) => s.spec.kind === 'verify');
  const timeline = [
    { at: iso(run.requestedAt), event: 'requested' },
    { at: iso(run.approvedAt), event: 'approved' },
    { at: iso(run.startedAt), event: 'erasure_started' },
    { at: iso(run.localDoneAt), event: 'platform_data_erased' },
    { at: doneAt('await_downstream'), event: 'downstream_settled' },
    { at: doneAt('verify'), event: 'verified' },
    { at: doneAt('shred'), event: 'keys_destroyed' },
    { at: issuedAt.toISOString(), event: 'certificate_issued' },
  ].filter((e) => e.at);
  return {
    type: 'adieu.deletion-certificate',
    version: 1,
    id,
    issuer: ctx.config.publicUrl,
    issuedAt: issuedAt.toISOString(),
    requestId: run.applicationId,
    runId: run.id,
    subject: run.subjectId,
    dataMap: run.datamapHash,
    categories: run.categories,
    timeline,
    stores: [...stores.values()],
    retained: retained
      .map((r) => ({
        store: r.store,
        table: r.tableName,
        rows: r.rows,
        legalBasis: r.legalBasis,
        period: r.period,
        firstPurgeAfter: r.firstPurgeAfter.toISOString(),
        purgeAfter: r.purgeAfter.toISOString(),
        anonymised: true,
        keptColumns: keptColumns.get(r.tableName) ?? [],
      }))
      .sort((a, b) => (a.table < b.table ? -1 : 1)),
    cryptoShredding: { subjectKey: 'destroyed', documentKeys: shred?.rows ?? 0 },
    externalIdentities: { unlinked, ...(externalIdHash ? { externalIdHash } : {}) },
    downstream: receivers
      .map((r) => ({
        name: r.name,
        state: r.state,
        ...(r.outcome ? { outcome: r.outcome } : {}),
        ...(r.confirmedAt ? { confirmedAt: r.confirmedAt.toISOString() } : {}),
        ...(r.state === 'exception' ? { exception: r.exceptionReason } : {}),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    // What was verified, not how: a verification step done by an earlier version also recorded how
    // many tables it carried forward from prepare, which depended on what else wrote to them.
    verification: verify?.result ? withoutCarried(verify.result) : null,
    // Which receivers confirmed (2xx) that the account was frozen on their side before the erasure.
    freeze: await hooks.freezeConfirmations(ctx.db, run.applicationId),
  };
}

/** A compact JWS of the payload, signed with the active signing key (its `kid` in the header). */
export async function signCertificatePayload(keys: KeyStore, payload: object): Promise<string> {
  const key = await signingKey(keys);
  const { CompactSign } = await loadJose();
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'adieu-deletion-certificate+jws' })
    .sign(key.privateKey);
}

/**
 * Signs the deletion certificate (compact JWS, EdDSA, `kid` in the header) and stores it, in one
 * transaction with the step's "done" mark: a run has exactly one certificate.
 */
export async function runCertificate(ctx: AppContext, run: RunRow, step: StepRow, hooks: ErasureHooks): Promise<void> {
  const id = newId('cert');
  const issuedAt = ctx.clock.now();
  const payload = await buildPayload(ctx, run, id, issuedAt, hooks);
  const jws = await signCertificatePayload(ctx.keys, payload);
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, step.seq);
    if (!locked) return;
    await tx.insert(deletionCertificates).values({ id, runId: run.id, jws, payload, issuedAt });
    await tx.update(erasureRuns).set({ certificateId: id }).where(eq(erasureRuns.id, run.id));
    await markStepDone(ctx, tx, locked, step, { rows: 1, result: { certificateId: id } });
  });
}

function withoutCarried(result: Record<string, unknown>): Record<string, unknown> {
  const { carriedTables: _carried, ...rest } = result;
  return rest;
}
