import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../src/context.ts';
import { queryRows } from '../../src/db/sql.ts';
import { newId } from '../../src/ids.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { sealForUser } from '../../src/accounts/user-crypto.ts';
import { createSession } from '../../src/accounts/sessions.ts';
import { applicationEvents, applicationMessages, applications } from '../../src/cancellation/cancellation.tables.ts';
import { documents } from '../../src/documents/documents.tables.ts';
import { newStorageName, writeDocumentFile } from '../../src/documents/document-files.ts';
import { newDocumentKey, sealBytes, wrapDocumentKey, fileContext } from '../../src/documents/document-crypto.ts';
import { startApplicationErasure } from '../../src/cancellation/erase-application.ts';
import { dataMap } from '../../src/erasure/datamap.ts';
import { reachPath } from '../../src/domain/erasure-plan.ts';
import { subjectPredicate, quoteTable } from '../../src/domain/erasure-sql.ts';
import { resolveParams } from '../../src/erasure/params.ts';
import { rawQuery } from '../../src/db/sql.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import type { DatabaseKind } from '../../src/db/database.ts';
import {
  shopBrowsingHistory,
  shopCoupons,
  shopDisputes,
  shopOrderItems,
  shopOrders,
  shopPayments,
  shopPointsBalances,
  shopProductReviews,
  shopRefunds,
  shopSellerMessages,
  shopShippingAddresses,
  shopSubscriptions,
  shopWallets,
} from '../../src/shop/shop.tables.ts';

const DAY = 86_400_000;

/**
 * Gives a buyer a row in every table the data map reaches, each holding a value marked with
 * `tag`, so a test can look for every one of them afterwards. Returns the values seeded.
 */
export async function giveBuyerEverything(ctx: AppContext, userId: string, tag: string): Promise<{ values: string[]; applicationId: string }> {
  const now = ctx.clock.now();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const v = (what: string) => `${what} ${tag}`;
  const values: string[] = [];
  const keep = (value: string) => {
    values.push(value);
    return value;
  };
  const applicationId = newId('app');
  await ctx.db.transaction(async (tx) => {
    await createSession(ctx, tx, userId, keep(v('Mozilla/5.0 agent')));
    await tx.execute(sql`INSERT INTO password_resets (id, user_id, token_hash, token_enc, channel, created_at, expires_at)
      VALUES (${newId('pwr')}, ${userId}, ${keep(`reset-hash-${tag}`)}, ${await sealForUser(ctx, userId, 'resetToken', 'secret-token')}, 'email', ${now}, ${now})`);
    await tx.execute(sql`INSERT INTO recovery_codes (id, user_id, code_hash) VALUES (${newId('rc')}, ${userId}, ${keep(`recovery-hash-${tag}`)})`);
    await tx.execute(sql`INSERT INTO sign_in_failures (id, user_id, at) VALUES (${newId('sif')}, ${userId}, ${ago(3)})`);
    await tx.execute(sql`INSERT INTO idempotency_keys (user_id, key, request_hash, status, response, created_at)
      VALUES (${userId}, ${keep(`idem-key-${tag}`)}, ${`req-hash-${tag}`}, 201, ${JSON.stringify({ note: v('response') })}::jsonb, ${now})`);
    await tx.insert(applications).values({
      id: applicationId,
      userId,
      status: 'erasing',
      reasonCode: 'PRIVACY_CONCERN',
      reasonTextEnc: await sealForUser(ctx, userId, 'displayName', v('my reason')),
      submittedAt: ago(20),
      cycleStartedAt: ago(20),
      dueAt: ago(1),
      slaRemindAt: ago(5),
      decisionOutcome: 'approve',
      decisionReasonCode: 'OK',
      decidedAt: ago(10),
      graceEndsAt: ago(1),
      riskFlags: ['new_account'],
      updatedAt: ago(1),
    });
    await tx.insert(applicationEvents).values({ id: newId('evt'), applicationId, at: ago(20), event: 'submitted', detail: { reasonCode: 'PRIVACY_CONCERN' } });
    await tx.insert(applicationMessages).values({ id: newId('amsg'), applicationId, authorId: userId, authorRole: 'buyer', bodyEnc: await sealForUser(ctx, userId, 'displayName', v('hello')), at: ago(15) });

    const address = newId('adr');
    await tx.insert(shopShippingAddresses).values({ id: address, buyerId: userId, name: keep(v('Person')), phone: keep(`+86 139 ${tag.replace(/\D/g, '').padEnd(4, '7').slice(0, 4)} 5555`), line1: keep(v('7 Fixture Street')), city: 'Hangzhou', country: 'CN', createdAt: ago(100) });
    const order = newId('ord');
    await tx.insert(shopOrders).values({ id: order, buyerId: userId, status: 'completed', totalMinor: 12345, currency: 'CNY', shippingAddressId: address, placedAt: ago(50), completedAt: ago(45), updatedAt: ago(45) });
    await tx.insert(shopOrderItems).values({ id: newId('itm'), orderId: order, productName: 'Fixture widget', qty: 1, priceMinor: 12345 });
    await tx.insert(shopPayments).values({ id: newId('pay'), orderId: order, buyerId: userId, amountMinor: 12345, currency: 'CNY', method: 'card', status: 'paid', paidAt: ago(50) });
    await tx.insert(shopDisputes).values({ id: newId('dsp'), buyerId: userId, orderId: order, status: 'closed', reason: keep(v('dispute reason')), openedAt: ago(44), closedAt: ago(40) });
    await tx.insert(shopRefunds).values({ id: newId('rfd'), buyerId: userId, orderId: order, status: 'done', amountMinor: 100, currency: 'CNY', requestedAt: ago(44), completedAt: ago(40) });
    await tx.insert(shopCoupons).values({ id: newId('cpn'), buyerId: userId, code: keep(`CODE-${tag}`), valueMinor: 500, currency: 'CNY', status: 'unused', expiresAt: ago(-30), issuedAt: ago(30) });
    await tx.insert(shopSubscriptions).values({ id: newId('sbs'), buyerId: userId, planName: keep(v('Plan')), status: 'cancelled', priceMinor: 100, currency: 'CNY', startedAt: ago(200), cancelledAt: ago(100) });
    await tx.insert(shopProductReviews).values({ id: newId('rev'), buyerId: userId, orderId: order, productName: 'Fixture widget', rating: 4, body: keep(v('review body')), createdAt: ago(40) });
    await tx.insert(shopSellerMessages).values({ id: newId('smsg'), buyerId: userId, orderId: order, sellerName: 'Fixture seller', direction: 'to_seller', body: keep(v('seller message')), sentAt: ago(48) });
    await tx.insert(shopBrowsingHistory).values({ id: newId('brw'), buyerId: userId, productName: keep(v('viewed product')), viewedAt: ago(2) });
    await tx.execute(sql`INSERT INTO shop.wallets (buyer_id, balance_minor, currency, updated_at) VALUES (${userId}, 0, 'CNY', ${now}) ON CONFLICT DO NOTHING`);
    await tx.execute(sql`INSERT INTO shop.points_balances (buyer_id, points, updated_at) VALUES (${userId}, 42, ${now}) ON CONFLICT DO NOTHING`);
  });
  // An identity document: the row, and its encrypted file on disk.
  const documentId = newId('doc');
  const key = newDocumentKey();
  const storageName = newStorageName();
  await writeDocumentFile(ctx, storageName, sealBytes(key, Buffer.from(`ID card of ${tag}`), fileContext(documentId)));
  await ctx.db.insert(documents).values({
    id: documentId,
    userId,
    applicationId,
    kind: 'id_front',
    width: 10,
    height: 10,
    mediaType: 'image/jpeg',
    byteSize: 100,
    storageName,
    wrappedKey: await wrapDocumentKey(ctx, userId, documentId, key),
    createdAt: ago(20),
    attachedAt: ago(20),
  });
  return { values, applicationId };
}

export { shopWallets, shopPointsBalances };

/** Starts the erasure of an application, as the cancellation workflow does when the grace period ends. */
export async function beginErasure(ctx: AppContext, applicationId: string): Promise<string> {
  return ctx.db.transaction(async (tx) => (await startApplicationErasure(ctx, tx, applicationId)).runId);
}

/** Runs due jobs until nothing is left (each `runDue` round also runs the timers). */
export async function drainJobs(ctx: AppContext, rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const counts = await ctx.jobs.runDue(200);
    const ran = Object.entries(counts).filter(([name]) => name !== 'tick').reduce((n, [, c]) => n + c.completed + c.failed, 0);
    if (ran === 0) return;
  }
}

/** Every table of the schemas public and shop, from the live database. */
export async function liveTables(ctx: AppContext): Promise<string[]> {
  const rows = await queryRows<{ t: string }>(
    ctx.db,
    sql`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('public', 'shop') AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return rows.map((r) => r.t).filter((t) => !t.startsWith('public.__drizzle'));
}

/**
 * Independent of the engine: looks for each value in every row of every table (the whole row as
 * text), in pg-boss's job tables, and in every file under the data folder except the keys.
 */
export async function findAnywhere(ctx: AppContext, dataDir: string, needles: string[]): Promise<string[]> {
  const found: string[] = [];
  const tables = [...(await liveTables(ctx)), 'pgboss.job', 'pgboss.archive'];
  for (const table of tables) {
    const [schema, name] = table.split('.');
    for (const needle of needles) {
      const [row] = await queryRows<{ n: number }>(
        ctx.db,
        sql`SELECT count(*)::int AS n FROM ${sql.identifier(schema)}.${sql.identifier(name)} AS t WHERE strpos(lower(t::text), ${needle.toLowerCase()}) > 0`,
      );
      if (Number(row.n) > 0) found.push(`${needle} in ${table}`);
    }
  }
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? (relative(dataDir, p) === 'keys' || relative(dataDir, p) === 'db' ? [] : walk(p)) : [p];
    });
  for (const file of walk(dataDir)) {
    const text = readFileSync(file).toString('utf8').toLowerCase();
    for (const needle of needles) if (text.includes(needle.toLowerCase())) found.push(`${needle} in file ${relative(dataDir, file)}`);
  }
  return found;
}

/** Rows of every mapped table that do NOT belong to the subject, as text, for a byte-for-byte comparison. */
export async function dumpOthers(ctx: AppContext, userId: string, subjectId: string): Promise<Record<string, string[]>> {
  const map = dataMap(ctx.config);
  const dump: Record<string, string[]> = {};
  for (const store of map.stores) {
    // The platform's own stores are dumped by their tests.
    if (store.database !== 'adieu') continue;
    for (const [table, spec] of Object.entries(store.tables)) {
      if (!spec.reach) continue;
      const path = reachPath(map, table)!;
      const predicate = subjectPredicate(path);
      const text = `SELECT t::text AS r FROM ${quoteTable(table)} AS t WHERE (${predicate.text}) IS NOT TRUE ORDER BY 1`;
      const { rows } = await rawQuery(ctx.db)(text, resolveParams(predicate.params, { userId, subjectId, now: new Date() }));
      dump[table] = rows.map((r) => r.r);
    }
  }
  return dump;
}

export async function subjectOf(ctx: AppContext, userId: string): Promise<string> {
  const [row] = await ctx.db.select({ subjectId: users.subjectId }).from(users).where(eq(users.id, userId));
  return row.subjectId;
}

/** The id of a demo buyer, by their demo email. */
export async function demoBuyer(ctx: AppContext, email: string): Promise<string> {
  return (await findUserByIdentifier(ctx, { kind: 'email', value: email }))!.id;
}

/** A test app on `kind` with the demo marketplace seeded, and the id of its buyer Ada. */
export async function demoAppWithAda(kind: DatabaseKind): Promise<{ t: TestApp; ada: string }> {
  const t = await createTestApp(kind);
  await seedDemo(t.ctx);
  return { t, ada: await demoBuyer(t.ctx, 'ada@example.com') };
}

export const randomTag = () => `t${randomBytes(4).toString('hex')}`;
