import { and, eq, sql } from 'drizzle-orm';
import { parsePhoneNumber } from '../../domain/phone-numbers.ts';
import type { AppContext } from '../../context.ts';
import { users } from '../../accounts/accounts.tables.ts';
import { externalIdentities } from '../../identity/identity.tables.ts';
import { openForUser } from '../../accounts/user-crypto.ts';
import type { DataMap, IdentifierKind, StoreSpec } from '../../domain/erasure-datamap.ts';
import { reachPath, type ReachPath } from '../../domain/erasure-plan.ts';
import { emailNeedle, phoneNeedle, weakNeedle, type Needle } from '../../domain/erasure-scan.ts';
import { Params, quoteIdent, quoteTable, subjectPredicate } from '../../domain/erasure-sql.ts';
import { dataMap } from '../datamap.ts';
import { erasureDownstream, erasureQuarantine, erasureRuns } from '../erasure.tables.ts';
import { sealRunSecrets } from '../run-keys.ts';
import { quarantineHash } from '../../accounts/quarantine-hash.ts';
import { columnTypes, scanDatabases } from '../scan.ts';
import { scanFiles } from '../file-scan.ts';
import { connectStore, type StoreConnection } from '../store-connection.ts';
import { itemConnector, storeConnector } from '../connectors/connector.ts';
import { scanItemStores } from '../item-scan.ts';
import { resolveParams } from '../params.ts';
import { lockForStep, markStepDone, type RunRow, type StepRow } from '../run-state.ts';
import type { RunSecrets } from '../run-secrets.ts';
import { externalIdOf } from '../../identity/external-id.ts';
import { QUEUES } from '../../jobs/queues.ts';
import type { ParamValues } from '../params.ts';
import type { ErasureHooks } from '../erasure-hooks.ts';
import { recordRunOnForgetList } from '../forget/record-run.ts';

/** How many distinct values of each personal column are sampled for the verification scan. */
const SAMPLES_PER_COLUMN = 5;
const SAMPLE_ROWS = 1000;
const PERSONAL_ACTIONS = new Set(['delete_row', 'set_null', 'replace', 'pseudonymise', 'generalise']);
const TEXT_TYPES = new Set(['text', 'character varying']);

/**
 * Samples values of the subject's personal columns (text only, never encrypted ones, never the
 * ids that stay on the tombstone), so the scan can prove those very values are gone.
 */
export async function sampleValues(ctx: AppContext, map: DataMap, subject: Omit<ParamValues, 'now'>): Promise<Needle[]> {
  const needles: Needle[] = [];
  for (const store of map.stores) {
    if (store.keys || store.files) {
      needles.push(...(await sampleItems(ctx, store, subject)));
      continue;
    }
    const connector = storeConnector(ctx, store);
    const connection = connector ? null : connectStore(ctx, store);
    // Only text is sampled: the catalog says which columns hold it, so no other column is read.
    const types = connection ? await columnTypes(connection.query, Object.keys(store.tables)) : null;
    const sampling: SampledColumn[] = [];
    for (const [table, spec] of Object.entries(store.tables)) {
      if (spec.rows === 'none') continue;
      const path = reachPath(map, table);
      if (!path) continue;
      for (const [column, c] of Object.entries(spec.columns)) {
        if (
          PERSONAL_ACTIONS.has(c.action) &&
          !c.encrypted &&
          column !== spec.reach?.column &&
          (c.identifier || c.category) &&
          !(c.action === 'generalise' && c.generalise.method === 'keep') &&
          (!types || TEXT_TYPES.has(types.get(table)?.get(column) ?? ''))
        ) {
          sampling.push({ table, column, path, kind: c.identifier ?? 'other' });
        }
      }
    }
    let sampled: string[][] = [];
    if (connection) sampled = await sampleColumns(connection, sampling, subject, ctx.clock.now());
    else for (const { table, column, path } of sampling) sampled.push(await connector!.sample(table, column, path, { ...subject, now: ctx.clock.now() }, SAMPLES_PER_COLUMN));
    for (const [k, { kind }] of sampling.entries()) {
      for (const value of sampled[k]) {
        const needle = kind === 'phone' ? phoneNeedle(phoneDigits(value)) : kind === 'email' ? emailNeedle(value) : weakNeedle(kind, value);
        if (needle) needles.push(kind === 'phone' || kind === 'email' ? { ...needle, strong: false } : needle);
      }
    }
  }
  return needles;
}

/** A personal text column of the subject's rows to sample, and what it holds. */
interface SampledColumn {
  table: string;
  column: string;
  path: ReachPath;
  kind: IdentifierKind;
}

/** Values of the subject's keys (files are not sampled: their content is not one value). */
async function sampleItems(ctx: AppContext, store: StoreSpec, subject: { userId: string; subjectId: string }): Promise<Needle[]> {
  const connector = itemConnector(ctx, store);
  if (!connector) return [];
  const needles: Needle[] = [];
  for (const [name, entry] of Object.entries(store.keys ?? {})) {
    if (entry.action === 'non_personal' || (!entry.identifier && !entry.category)) continue;
    for (const value of await connector.sample({ kind: 'keys', store: store.store, name, entry }, { ...subject, now: ctx.clock.now() }, SAMPLES_PER_COLUMN)) {
      const kind: IdentifierKind = entry.identifier ?? 'other';
      const needle = kind === 'phone' ? phoneNeedle(phoneDigits(value)) : kind === 'email' ? emailNeedle(value) : weakNeedle(kind, value);
      if (needle) needles.push({ ...needle, strong: false });
    }
  }
  return needles;
}

/**
 * PostgreSQL: distinct values of each column of the subject's rows (by position in `columns`),
 * among the first `SAMPLE_ROWS` that have one: a sample, whose cost does not grow with the buyer's
 * history. One statement for the store.
 */
async function sampleColumns(connection: StoreConnection, columns: SampledColumn[], subject: Omit<ParamValues, 'now'>, now: Date): Promise<string[][]> {
  if (columns.length === 0) return [];
  const params = new Params();
  const text = columns
    .map(({ table, column, path }, k) => {
      const value = `t.${quoteIdent(column)}`;
      return (
        `(SELECT DISTINCT ${k} AS k, s.v FROM (SELECT ${value}::text AS v FROM ${quoteTable(table)} AS t WHERE ${subjectPredicate(path, params).text} AND ${value} IS NOT NULL ` +
        `LIMIT ${SAMPLE_ROWS}) AS s LIMIT ${SAMPLES_PER_COLUMN})`
      );
    })
    .join(' UNION ALL ');
  const found: string[][] = columns.map(() => []);
  for (const row of await connection.query(text, resolveParams(params.list, { ...subject, now }))) found[Number(row.k)].push(String(row.v));
  return found;
}

/** The national number of a phone however it was written (`+86 138…` or `138…`). */
function phoneDigits(value: string): string {
  const parsed = value.trim().startsWith('+') ? parsePhoneNumber(value.trim()) : null;
  return parsed?.nationalNumber ?? value.replace(/\D/g, '');
}

const needleKey = (n: Needle): string => `${n.kind === 'phone' ? 'd' : 't'}:${n.value}`;

export function dedupe(needles: Needle[]): Needle[] {
  const seen = new Map<string, Needle>();
  for (const n of needles) {
    const key = needleKey(n);
    const prior = seen.get(key);
    if (!prior || (!prior.strong && n.strong)) seen.set(key, n);
  }
  return [...seen.values()];
}

/**
 * The first step, while the buyer's key still exists: reads their identifiers, samples the values
 * the scan will look for, keeps only those no one else's data holds, seals them under the run's
 * key, and fills the quarantine.
 */
export async function runPrepare(ctx: AppContext, run: RunRow, step: StepRow, hooks: ErasureHooks): Promise<void> {
  const map = dataMap(ctx.config);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, run.userId)).limit(1);
  const [email, phone, name, antiPhishingCode] = user
    ? await Promise.all([
        openForUser(ctx, user.id, 'email', user.emailEnc),
        openForUser(ctx, user.id, 'phone', user.phoneEnc),
        openForUser(ctx, user.id, 'displayName', user.displayNameEnc),
        openForUser(ctx, user.id, 'antiPhishing', user.antiPhishingEnc),
      ])
    : [null, null, null, null];
  const externalId = await externalIdOf(ctx, ctx.db, run.userId);
  // Every identity a data map's reach may name, so platform tables keyed by them are sampled too.
  const subject = { userId: run.userId, subjectId: run.subjectId, externalId, email, phone };

  const strong: Needle[] = [];
  if (email) strong.push(emailNeedle(email));
  const phoneN = phone ? phoneNeedle(phoneDigits(phone)) : null;
  if (phoneN) strong.push(phoneN);
  const weak: Needle[] = [];
  const nameN = name ? weakNeedle('name', name) : null;
  if (nameN) weak.push(nameN);
  // The platform's id is often short or numeric: like a name, it counts only where no one else's
  // data holds it (and an id under six characters cannot be told apart from other text at all).
  const externalN = externalId ? weakNeedle('external_id', externalId) : null;
  if (externalN) weak.push(externalN);
  weak.push(...(await sampleValues(ctx, map, subject)));
  const candidates = dedupe([...strong, ...weak]).filter((n) => !n.strong);

  // A weak value that anyone else's rows, a table tied to no one, a job or a file also holds proves
  // nothing: leave it out. (The subject's own rows are not read: the verification looks for weak
  // values only in the columns the erasure changes.)
  const shared = new Set<number>();
  const db = await scanDatabases(ctx, map, candidates, subject, { scope: ctx.config.erasure.verifyScope, excludeSubject: true });
  for (const hit of db.hits) shared.add(hit.needle);
  const files = scanFiles(ctx.config.dataDir, candidates, { skipMailTo: [email, phone].filter((v): v is string => !!v) });
  for (const hit of files.hits) shared.add(hit.needle);
  const items = await scanItemStores(ctx, map, candidates, { ...subject, now: ctx.clock.now() }, { scope: ctx.config.erasure.verifyScope, excludeSubject: true });
  for (const hit of items.hits) shared.add(hit.needle);
  const needles = dedupe([...strong, ...candidates.filter((_, i) => !shared.has(i))]);

  const secrets: RunSecrets = { email, phone, externalId, antiPhishingCode, needles };
  const sealed = await sealRunSecrets(ctx, run.id, secrets);
  // Links to the platform's accounts are barred too, by a keyed hash of their blind index.
  const links = await ctx.db.select({ index: externalIdentities.subjectIndex }).from(externalIdentities).where(eq(externalIdentities.userId, run.userId));
  const quarantine =
    ctx.config.erasure.quarantineDays > 0
      ? await Promise.all(
          [
            email && ({ kind: 'email', value: email } as const),
            phone && ({ kind: 'phone', value: phone } as const),
            ...links.map((link) => ({ kind: 'external', value: link.index }) as const),
          ]
            .filter((i): i is { kind: 'email' | 'phone' | 'external'; value: string } => !!i)
            .map((i) => quarantineHash(ctx, i.kind, i.value)),
        )
      : [];

  // On the forget list before anything is destroyed: a restore from any later point can be re-erased.
  await recordRunOnForgetList(ctx, run);
  await ctx.db.transaction(async (tx) => {
    const locked = await lockForStep(tx, run.id, step.seq);
    if (!locked) return;
    await tx.update(erasureRuns).set({ secretsEnc: sealed }).where(eq(erasureRuns.id, run.id));
    await hooks.subjectErasing(ctx, tx, run.userId);
    if (quarantine.length > 0) {
      const expiresAt = new Date(ctx.clock.now().getTime() + ctx.config.erasure.quarantineDays * 86_400_000);
      await tx
        .insert(erasureQuarantine)
        .values(quarantine.map((identifierHash) => ({ identifierHash, expiresAt })))
        .onConflictDoUpdate({ target: erasureQuarantine.identifierHash, set: { expiresAt: sql`greatest(${erasureQuarantine.expiresAt}, excluded.expires_at)` } });
    }
    // The downstream requests name the external id, now sealed for the run: send them.
    const pending = await tx
      .select({ name: erasureDownstream.name })
      .from(erasureDownstream)
      .where(and(eq(erasureDownstream.runId, run.id), eq(erasureDownstream.state, 'pending')));
    for (const d of pending) await ctx.jobs.enqueue(tx, QUEUES['erasure.webhook'].name, { runId: run.id, name: d.name });
    const byKind: Record<string, number> = {};
    for (const n of needles) byKind[n.kind] = (byKind[n.kind] ?? 0) + 1;
    await markStepDone(ctx, tx, locked, step, { rows: needles.length, result: { needles: byKind, sharedLeftOut: shared.size, quarantined: quarantine.length } });
  });
}
