import type { AppContext } from '../../context.ts';
import { dataMap } from '../datamap.ts';
import { scanDatabases } from '../scan.ts';
import { scanFiles } from '../file-scan.ts';
import { scanItemStores } from '../item-scan.ts';
import { loadRunSecrets } from '../run-secrets.ts';
import { VerificationFailed } from '../step-errors.ts';
import { completeStep, stepsOf, type RunRow, type StepRow } from '../run-state.ts';
import { readingsForVerification } from '../kept-rows-readings.ts';

/**
 * Before anything is certified: every column of every mapped table (all stores; the subject's rows
 * or every row, per `erasure.verifyScope`), the free-text queues' jobs (job-scan.ts), and every file under
 * the data directory are scanned for the subject's identifiers and sampled values. One hit fails
 * the run, with where it was found (never what). Every table is read once: in the subject's rows
 * the identifiers count in every column, the weak values (a name, sampled text) only in the columns
 * the erasure changed (scan.ts). The rows the erasure leaves as they are were read right before, by
 * the steps that count them (kept-rows-readings.ts); every other table is read here. (The document
 * bytes go in the shred step, whose hook checks that none is left.)
 */
export async function runVerify(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  const secrets = await loadRunSecrets(ctx, run);
  if (!secrets) throw new VerificationFailed('verification impossible: the run no longer holds the identifiers to look for');
  const { needles } = secrets;
  const scope = ctx.config.erasure.verifyScope;
  const subject = { userId: run.userId, subjectId: run.subjectId, externalId: secrets.externalId ?? null, email: secrets.email, phone: secrets.phone };
  const readings = readingsForVerification(await stepsOf(ctx.db, run.id), ctx.clock.now());
  const db = await scanDatabases(ctx, dataMap(ctx.config), needles, subject, { scope, readings });
  const files = scanFiles(ctx.config.dataDir, needles);
  const items = await scanItemStores(ctx, dataMap(ctx.config), needles, { userId: run.userId, subjectId: run.subjectId, now: ctx.clock.now() }, { scope });
  const found = [
    ...db.hits.map((h) => `${needles[h.needle]?.kind ?? 'value'} in ${h.store}:${h.table} (${h.rows} row${h.rows === 1 ? '' : 's'})`),
    ...files.hits.map((h) => `${needles[h.needle]?.kind ?? 'value'} in file ${h.file}`),
    ...items.hits.map((h) => `${needles[h.needle]?.kind ?? 'value'} in ${h.store}:${h.entry} (${h.items} item${h.items === 1 ? '' : 's'})`),
  ];
  if (found.length > 0) throw new VerificationFailed(`verification found the subject's data: ${[...new Set(found)].join('; ')}`);
  const byKind: Record<string, number> = {};
  for (const n of needles) byKind[n.kind] = (byKind[n.kind] ?? 0) + 1;
  await completeStep(ctx, run, step, { rows: 0, result: { scope, tables: db.tables, columns: db.columns, files: files.files, storeItems: items.items, needles: byKind, hits: 0 } });
}

