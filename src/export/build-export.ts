import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { users } from '../accounts/accounts.tables.ts';
import { planExport } from '../domain/export-datamap.ts';
import { dataMap } from '../erasure/datamap.ts';
import { subjectIdentities } from '../erasure/subject-identities.ts';
import { QUEUES } from '../jobs/queues.ts';
import { enqueueNotification } from '../accounts/notifications.ts';
import { platformLink, toLocale } from '../notify/render.ts';
import { dataExports, type DataExportRow, type ExportPart } from './export.tables.ts';
import { exportDir, exportKey, openSealedFile, SealedFileWriter, ZIP_FILE, removeExportFiles } from './export-files.ts';
import { signManifest, type ExportManifest } from './export-manifest.ts';
import { renderReadme } from './export-readme.ts';
import { writeDocumentFiles } from './write-documents.ts';
import { writeTableFiles } from './write-table-files.ts';
import { erasureStarted } from './export-rules.ts';
import { partName } from './part-names.ts';
import { bufferEntry, writeZip, type ZipEntry } from './write-zip.ts';

/** Attempts of one export before it is marked failed (each resumes where the last stopped). */
export const MAX_ATTEMPTS = 6;
/** The marker part of the documents step (it may write no file at all). */
const DOCUMENTS_DONE = 'documents/';

export interface BuildOptions {
  /** Tables (and the documents step) to do in this job before handing over to a new job. */
  partBudget?: number;
}

export type BuildOutcome = 'ready' | 'continued' | 'skipped' | 'failed';

async function recordParts(ctx: AppContext, exportId: string, parts: ExportPart[]): Promise<void> {
  await ctx.db
    .update(dataExports)
    .set({ parts: sql`${dataExports.parts} || ${JSON.stringify(parts)}::jsonb` })
    .where(and(eq(dataExports.id, exportId), eq(dataExports.state, 'preparing')));
}

/** Gives an export up: its files go, the buyer sees `failed` and may ask again. */
async function failExport(ctx: AppContext, row: DataExportRow, subjectId: string | null, reason: string): Promise<void> {
  await removeExportFiles(ctx, row.id);
  await ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(dataExports)
      .set({ state: 'failed', failedAt: ctx.clock.now(), parts: [] })
      .where(and(eq(dataExports.id, row.id), eq(dataExports.state, 'preparing')))
      .returning({ id: dataExports.id });
    if (updated.length === 0) return;
    await appendAudit(tx, { at: ctx.clock.now(), actor: 'system', action: 'export.failed', subject: subjectId, target: row.id, data: { reason } });
  });
}

/**
 * The `export.build` job: reads the buyer's rows of every table the data map names, store by
 * store, into sealed part files (one table at a time, each recorded when complete, so a crash or
 * a hand-over resumes at the first unfinished table, which is written again from scratch: no row
 * twice, none missing), then the documents, then assembles the ZIP — manifest, its signature,
 * README and the parts, copied without recompressing into one sealed file — and mails the buyer.
 * Safe to run twice: it re-checks the export's state first.
 */
export async function buildExport(ctx: AppContext, exportId: string, options: BuildOptions = {}): Promise<BuildOutcome> {
  const [row] = await ctx.db.select().from(dataExports).where(eq(dataExports.id, exportId)).limit(1);
  if (!row || row.state !== 'preparing') return 'skipped';
  const [user] = await ctx.db.select().from(users).where(eq(users.id, row.userId)).limit(1);
  if (!user || user.status === 'erased' || (await erasureStarted(ctx.db, user.id))) {
    await failExport(ctx, row, user?.subjectId ?? null, 'erasure_started');
    return 'failed';
  }
  const [{ attempts }] = await ctx.db
    .update(dataExports)
    .set({ attempts: sql`${dataExports.attempts} + 1` })
    .where(eq(dataExports.id, exportId))
    .returning({ attempts: dataExports.attempts });
  if (attempts > MAX_ATTEMPTS) {
    await failExport(ctx, row, user.subjectId, 'attempts_exhausted');
    return 'failed';
  }
  const fileKey = await exportKey(ctx, user.id, exportId);
  const subjectKey = await ctx.keys.findSubjectKey(user.id).catch(() => null);
  if (!fileKey) {
    await failExport(ctx, row, user.subjectId, 'key_gone');
    return 'failed';
  }

  const map = dataMap(ctx.config);
  let parts = row.parts;
  if (row.datamapHash !== map.hash || parts.some((p) => typeof p.crc32 !== 'number')) {
    // A new data map since the parts were written, or parts of the older format (not deflated, no
    // CRC, so not copiable into the ZIP as they are): start over.
    parts = [];
    await ctx.db.update(dataExports).set({ datamapHash: map.hash, parts: [] }).where(eq(dataExports.id, exportId));
  }
  const done = new Set(parts.map((p) => p.path));
  // Tables keyed by the platform's id or a contact are read by those too.
  const values = { ...(await subjectIdentities(ctx, user)), now: ctx.clock.now() };
  const tables = planExport(map);
  let budget = options.partBudget ?? Number.POSITIVE_INFINITY;

  const handOver = async (): Promise<BuildOutcome> => {
    await ctx.db.transaction((tx) => ctx.jobs.enqueue(tx, QUEUES['export.build'].name, { exportId }));
    return 'continued';
  };

  // On PostgreSQL two tables at a time: one's reading overlaps the other's sealing, syncing and
  // recording, and each has a core. The embedded database is one connection: one at a time.
  const todo = tables.filter((table) => !(done.has(`${table.file}.json`) && done.has(`${table.file}.csv`)));
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < todo.length && budget > 0 && !ctx.jobs.isStopping && !failed) {
      const table = todo[next++];
      budget -= 1;
      try {
        const written = await writeTableFiles(ctx, exportId, table, values, { file: fileKey, subject: subjectKey });
        await recordParts(ctx, exportId, written);
        parts = [...parts, ...written];
      } catch (error) {
        failed = true; // the other lane takes no new table: the job ends when both have stopped
        throw error;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: ctx.database.pool ? 2 : 1 }, lane));
  for (const ended of lanes) if (ended.status === 'rejected') throw ended.reason;
  if (next < todo.length) return handOver();
  if (!done.has(DOCUMENTS_DONE)) {
    if (budget <= 0 || ctx.jobs.isStopping) return handOver();
    const written = [...(await writeDocumentFiles(ctx, exportId, user.id, fileKey)), { path: DOCUMENTS_DONE, rows: 0, sha256: '', bytes: 0, crc32: 0, deflated: false }];
    await recordParts(ctx, exportId, written);
    parts = [...parts, ...written];
  }

  // In table order whatever order the lanes finished in, the documents last.
  const order = new Map<string, number>(tables.flatMap((table, i): Array<[string, number]> => [[`${table.file}.json`, 2 * i], [`${table.file}.csv`, 2 * i + 1]]));
  const files = parts.filter((p) => p.path !== DOCUMENTS_DONE).sort((a, b) => (order.get(a.path) ?? order.size) - (order.get(b.path) ?? order.size));
  const generatedAt = ctx.clock.now();
  const readme = Buffer.from(
    renderReadme({
      locale: toLocale(user.locale),
      generatedAt,
      jwksUrl: platformLink(ctx.config.publicUrl, '/.well-known/adieu/certificate-keys'),
      tables: tables.map((table) => {
        const json = files.find((f) => f.path === `${table.file}.json`);
        return { table, rows: json?.rows ?? 0, files: [`${table.file}.json`, `${table.file}.csv`] };
      }),
      documents: files.filter((f) => f.path.startsWith('documents/')).map((f) => f.path),
    }),
  );
  const manifest: ExportManifest = {
    subject: user.subjectId,
    generatedAt: generatedAt.toISOString(),
    datamapVersion: map.hash,
    files: [{ path: 'README.html', rows: 0, sha256: createHash('sha256').update(readme).digest('hex') }, ...files.map((f) => ({ path: f.path, rows: f.rows, sha256: f.sha256 }))],
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const jws = await signManifest(ctx.keys, manifestBytes);

  const out = await SealedFileWriter.create(ctx, exportId, ZIP_FILE, fileKey);
  try {
    const entries: ZipEntry[] = [
      bufferEntry('manifest.json', manifestBytes),
      bufferEntry('manifest.jws', Buffer.from(`${jws}\n`)),
      bufferEntry('README.html', readme),
      ...files.map((file) => ({
        path: file.path,
        size: file.bytes,
        crc32: file.crc32,
        deflated: file.deflated,
        data: async function* () {
          yield* (await openSealedFile(ctx, exportId, partName(file.path), fileKey)).stream as AsyncIterable<Buffer>;
        },
      })),
    ];
    await writeZip(entries, (chunk) => out.write(chunk), generatedAt);
  } catch (error) {
    await out.abort();
    throw error;
  }
  const { bytes } = await out.close();

  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.export.retainDays * 86_400_000);
  const finished = await ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(dataExports)
      .set({ state: 'ready', readyAt: now, expiresAt, bytes })
      .where(and(eq(dataExports.id, exportId), eq(dataExports.state, 'preparing')))
      .returning({ id: dataExports.id });
    if (updated.length === 0) return false;
    await appendAudit(tx, { at: now, actor: 'system', action: 'export.ready', subject: user.subjectId, target: exportId, data: { files: manifest.files.length, bytes } });
    await enqueueNotification(ctx, tx, {
      userId: user.id,
      template: 'export_ready',
      vars: { expiresOn: expiresAt.toISOString() },
      linkPath: '/account#exports',
    });
    return true;
  });
  // Only the sealed ZIP stays; the parts go.
  await removeParts(ctx, exportId, files);
  return finished ? 'ready' : 'skipped';
}

async function removeParts(ctx: AppContext, exportId: string, files: ExportPart[]): Promise<void> {
  await Promise.all(files.map((f) => rm(join(exportDir(ctx, exportId), partName(f.path)), { force: true })));
}
