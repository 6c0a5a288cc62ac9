import { eq, sql } from 'drizzle-orm';
import { Faker, base, en, zh_CN } from '@faker-js/faker';
import type { AppContext } from '../../context.ts';
import { users } from '../../accounts/accounts.tables.ts';
import { identifierIndex, sealForUser } from '../../accounts/user-crypto.ts';
import { hashPassword } from '../../accounts/password/password-hasher.ts';
import { buildCatalogue } from './catalogue.ts';
import { IdSource } from './bulk-insert.ts';
import { bufferedRows, createBuffers, flushAll, type MarketplaceBuffers } from './buffers.ts';
import { generateBuyerActivity, type GeneratorTools, type SyntheticBuyer } from './generate-buyer.ts';

const DAY_MS = 86_400_000;
/** Every synthetic buyer signs in with this password (documented in the README). */
export const SYNTHETIC_PASSWORD = 'seed-password-1';
/** Buffered rows above which a batch writes what it has (a heavy buyer alone fills several). */
const FLUSH_ROWS = 60_000;

export interface SeedOptions {
  buyers: number;
  /** Same seed, same marketplace (ids and ciphertexts aside). */
  seed?: number;
  /** Buyers with tens of thousands of orders; default 1 per 25,000 buyers (at least 1 from 1,000 buyers). */
  heavyBuyers?: number;
  /** Buyers per transaction. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  buyers: number;
  heavyBuyers: number;
  rows: Record<string, number>;
  /** Where the time went: waiting for per-buyer keys and sealed identifiers (overlaps writing), generating rows, writing them. */
  timings: { keysMs: number; generateMs: number; writeMs: number };
}

export const defaultHeavyBuyers = (buyers: number) => (buyers >= 1000 ? Math.max(1, Math.round(buyers / 25_000)) : 0);

/** The synthetic buyer number `n` always has this email (so a second run into the same database is refused). */
export const syntheticEmail = (username: string, n: number) => `${username.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 20) || 'buyer'}.${n}@seed.example.com`;

/** Runs `fn` over `items` with at most `limit` at a time (the key store may be a remote database). */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
        // A key store with synchronous file I/O never yields on its own: give the event loop a
        // turn, so the database writes of the previous batch proceed in between.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );
  return results;
}

/**
 * Seeds a deterministic synthetic marketplace of `buyers` buyers: accounts (identifiers encrypted
 * under each buyer's own key, like every account) and their orders, items, payments, addresses,
 * reviews, messages, browsing history, disputes, refunds, wallets, coupons, points and
 * subscriptions. Written in batches, one transaction each, every table with one multi-row
 * statement per batch. The password hash is computed once for all buyers.
 */
export async function seedMarketplace(ctx: AppContext, options: SeedOptions): Promise<SeedSummary> {
  const seed = options.seed ?? 20_240_601;
  const total = options.buyers;
  const batchSize = options.batchSize ?? 1000;
  const heavyBuyers = Math.min(options.heavyBuyers ?? defaultHeavyBuyers(total), total);

  // Separate seeded generators per purpose, so that the order in which the pipelined stages run
  // never changes what any of them draws: same seed, same marketplace.
  const rng = new Faker({ locale: [en, base], seed });
  const catalogue = buildCatalogue(new Faker({ locale: [en, base], seed: seed + 1 }), new Faker({ locale: [zh_CN, en, base], seed: seed + 2 }));
  const identities = new Faker({ locale: [en, base], seed: seed + 4 });
  const names = { en: new Faker({ locale: [en, base], seed: seed + 5 }), 'zh-CN': new Faker({ locale: [zh_CN, en, base], seed: seed + 6 }) };
  const places = { en: new Faker({ locale: [en, base], seed: seed + 7 }), 'zh-CN': new Faker({ locale: [zh_CN, en, base], seed: seed + 8 }) };
  // Heavy buyers spread over the run, chosen by the seed.
  const heavy = new Set<number>();
  while (heavy.size < heavyBuyers) heavy.add(identities.number.int({ max: total - 1 }));

  // Usernames come from a generator of their own, so the first buyer's email is known up front.
  const usernames = () => new Faker({ locale: [en, base], seed: seed + 3 });
  const emails = usernames();
  if (await emailTaken(ctx, syntheticEmail(usernames().internet.username(), 0))) {
    throw new Error('this database already holds a synthetic marketplace with this seed; use an empty database or another --seed');
  }

  const passwordHash = await hashPassword(SYNTHETIC_PASSWORD);
  const now = ctx.clock.now().getTime();
  const tools: GeneratorTools = { rng, catalogue, ids: new IdSource(), now };
  const buffers = createBuffers();
  let usersWritten = 0;
  const timings = { keysMs: 0, generateMs: 0, writeMs: 0 };
  const since = () => performance.now();

  type Drawn = SyntheticBuyer & { email: string };
  /** Who the buyers of one batch are (synchronous draws), then their sealed account rows. */
  function prepare(start: number) {
    const end = Math.min(start + batchSize, total);
    const batch: Drawn[] = [];
    for (let n = start; n < end; n++) {
      const locale = identities.number.float() < 0.7 ? 'zh-CN' : 'en';
      batch.push({
        id: tools.ids.next('usr'),
        locale,
        name: names[locale].person.fullName(),
        email: syntheticEmail(emails.internet.username(), n),
        // Valid mainland mobile numbers, unique by construction (139 + the buyer number).
        phone: identities.number.float() < 0.65 ? `+86139${String(n).padStart(8, '0')}` : null,
        createdAt: new Date(now - identities.number.int({ min: 1, max: 5 * 365 }) * DAY_MS),
        heavy: heavy.has(n),
      });
    }
    const rows = mapLimit(batch, 16, async (b) => ({
      // Minted here, as for every new account (`insertUser`): sealing never creates a key.
      id: (await ctx.keys.createSubjectKey(b.id), b.id),
      subjectId: tools.ids.next('sub'),
      roles: ['buyer' as const],
      displayNameEnc: await sealForUser(ctx, b.id, 'displayName', b.name),
      emailEnc: await sealForUser(ctx, b.id, 'email', b.email),
      emailIndex: await identifierIndex(ctx, { kind: 'email', value: b.email }),
      emailVerified: true,
      phoneEnc: b.phone ? await sealForUser(ctx, b.id, 'phone', b.phone) : null,
      phoneIndex: b.phone ? await identifierIndex(ctx, { kind: 'phone', value: b.phone }) : null,
      phoneVerified: !!b.phone,
      passwordHash,
      locale: b.locale,
      createdAt: b.createdAt,
    }));
    return { end, batch, rows };
  }

  async function write(batch: Drawn[], userRows: (typeof users.$inferInsert)[]): Promise<void> {
    await ctx.db.transaction(async (tx) => {
      // Seeding is repeatable: no need to wait for each commit to reach the disk.
      await tx.execute(sql`SET LOCAL synchronous_commit = off`);
      let t = since();
      await tx.insert(users).values(userRows);
      timings.writeMs += since() - t;
      for (const buyer of batch) {
        t = since();
        generateBuyerActivity(buyer, tools, buffers, places[buyer.locale]);
        timings.generateMs += since() - t;
        if (bufferedRows(buffers) >= FLUSH_ROWS) {
          t = since();
          await flushAll(tx, buffers);
          timings.writeMs += since() - t;
        }
      }
      t = since();
      await flushAll(tx, buffers);
      timings.writeMs += since() - t;
    });
  }

  // Pipelined: the next batch's keys are made and its identifiers sealed while this batch is written.
  let next = total > 0 ? prepare(0) : null;
  try {
    while (next) {
      const current = next;
      const t = since();
      const userRows = await current.rows;
      timings.keysMs += since() - t;
      next = current.end < total ? prepare(current.end) : null;
      await write(current.batch, userRows);
      usersWritten += userRows.length;
      options.onProgress?.(current.end, total);
    }
  } finally {
    // A failed write leaves the next batch's sealing running: let it end quietly.
    next?.rows.catch(() => undefined);
  }

  const round = (ms: number) => Math.round(ms);
  return {
    buyers: usersWritten,
    heavyBuyers,
    rows: rowCounts(buffers, usersWritten),
    timings: { keysMs: round(timings.keysMs), generateMs: round(timings.generateMs), writeMs: round(timings.writeMs) },
  };
}

async function emailTaken(ctx: AppContext, email: string): Promise<boolean> {
  const index = await identifierIndex(ctx, { kind: 'email', value: email });
  const rows = await ctx.db.select({ id: users.id }).from(users).where(eq(users.emailIndex, index)).limit(1);
  return rows.length > 0;
}

function rowCounts(buffers: MarketplaceBuffers, buyers: number): Record<string, number> {
  const counts: Record<string, number> = { users: buyers };
  for (const [name, buffer] of Object.entries(buffers)) counts[name] = buffer.written;
  return counts;
}

