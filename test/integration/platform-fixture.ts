import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { TMP_ROOT, withDatabase } from '../helpers/global-setup.ts';
import { createMysqlDatabase } from '../helpers/mysql-store.ts';
import { dropPrefix, dumpRedis, REDIS_TEST_URL, redisPrefix } from '../helpers/redis-store.ts';
import { BATCH } from '../../src/erasure/connectors/redis.ts';
import { crmMap, dump as dumpMysql, seedCrm } from './mysql-crm-fixture.ts';

/**
 * A marketplace's own stores around Adieu, seeded for many buyers: the MySQL `crm` schema
 * (customers, addresses, support tickets with free text, order notes, page views without a primary
 * key), a PostgreSQL loyalty database, Redis (carts, sessions naming the buyer in a hash field, a
 * site-wide recently-viewed sorted set, a profile cache hash, an event stream) and a folder of
 * avatars and invoices. Every part can be left out; `dump` reads everything back, byte for byte.
 */
export const OTHERS = 150;
export const ADA_VALUES = ['ada@example.com', '138-0000-0001', '13800000001', 'ada lovelace', 'flat 1b, 1 lovelace lane', '203.0.113.77', 'ada-avatar-bytes'];

export const loyaltyMap = `store: loyalty
title: "The platform's loyalty programme, in its own PostgreSQL"
database: { config: loyalty }
tables:
  loyalty.members:
    rows: update
    reach: { column: user_ref, identity: user_id }
    columns:
      user_ref: { action: keep_pseudonymous, note: "Adieu's user id" }
      nickname: { action: set_null, identifier: name, category: user.name }
      email: { action: set_null, identifier: email, category: user.contact.email }
      points: non_personal
  loyalty.point_events:
    rows: delete
    reach: { column: user_ref, identity: user_id }
    columns:
      user_ref: delete_row
      reason: { action: delete_row, identifier: free_text }
`;

export const cacheMap = (p: string) => `store: cache
title: "The platform's Redis"
database: { config: cache }
keys:
  carts:
    pattern: "${p}cart:{user_id}"
    type: hash
    action: delete_key
    identifier: address
    category: user.behavior.purchase_history
  sessions:
    pattern: "${p}session:*"
    type: hash
    where: { field: buyer_id, identity: user_id }
    action: delete_key
    category: user.device.ip_address
  recently_viewed:
    pattern: "${p}recently_viewed"
    type: zset
    action: remove_members
    member: "{user_id}:*"
    category: user.behavior.browsing_history
  profile_cache:
    pattern: "${p}profile_cache"
    type: hash
    action: delete_fields
    fields: ["{userId}"]
    identifier: free_text
  events:
    pattern: "${p}events"
    type: stream
    where: { field: buyer, identity: user_id }
    action: delete_entries
  stats:
    pattern: "${p}stats:*"
    action: non_personal
`;

export const filesMap = `store: files
title: "The platform's uploads folder"
database: { config: files }
files:
  avatars:
    path: "avatars/{user_id}/**"
    action: delete
    category: user.biometric
  invoices:
    path: "invoices/*/{user_id}-*.txt"
    action: delete
    category: user.financial
  static:
    path: "static/**"
    action: non_personal
`;

export interface Platform {
  mysql?: { name: string; url: string; conn: mysql.Connection; drop: () => Promise<void> };
  pg?: { name: string; url: string; client: pg.Client };
  redis?: { url: string; prefix: string; client: Redis };
  files?: { dir: string; url: string };
  /** Ada's session keys (they do not carry her id in their names). */
  adaSessions: string[];
  maps(): Record<string, string>;
  stores(): Record<string, { url: string }>;
  seed(ada: string, ben: string, options?: { adaSessions?: number }): Promise<void>;
  dump(): Promise<Record<string, string[]>>;
  close(): Promise<void>;
}

export async function createPlatform(parts: { mysql?: boolean; pg?: string; redis?: boolean; files?: boolean }): Promise<Platform> {
  const platform: Platform = {
    adaSessions: [],
    maps() {
      const maps: Record<string, string> = {};
      if (this.mysql) maps['crmsql.yaml'] = crmMap(this.mysql.name);
      if (this.pg) maps['loyalty.yaml'] = loyaltyMap;
      if (this.redis) maps['cache.yaml'] = cacheMap(this.redis.prefix);
      if (this.files) maps['files.yaml'] = filesMap;
      return maps;
    },
    stores() {
      const stores: Record<string, { url: string }> = {};
      if (this.mysql) stores.crmsql = { url: this.mysql.url };
      if (this.pg) stores.loyalty = { url: this.pg.url };
      if (this.redis) stores.cache = { url: this.redis.url };
      if (this.files) stores.files = { url: this.files.url };
      return stores;
    },
    async seed(ada, ben, options = {}) {
      const buyers = [ada, ben, ...Array.from({ length: OTHERS - 2 }, (_, i) => `u_other_${i + 3}`)];
      if (this.mysql) await seedCrm(this.mysql.conn, ada, ben, 40);
      if (this.pg) {
        const c = this.pg.client;
        await c.query(`CREATE SCHEMA loyalty;
          CREATE TABLE loyalty.members (user_ref text PRIMARY KEY, nickname text, email text, points int NOT NULL);
          CREATE TABLE loyalty.point_events (user_ref text NOT NULL, reason text NOT NULL)`);
        const names = buyers.map((b, i) => (i === 0 ? ['Ada Lovelace', 'ada@example.com'] : i === 1 ? ['Ben Bitdiddle', 'ben@example.com'] : [`Buyer Number${i + 1}`, `buyer${i + 1}@example.net`]));
        await c.query(`INSERT INTO loyalty.members SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`, [buyers, names.map((n) => n[0]), names.map((n) => n[1]), buyers.map((_, i) => i * 10)]);
        await c.query(`INSERT INTO loyalty.point_events SELECT * FROM unnest($1::text[], $2::text[])`, [buyers, names.map((n) => `Welcome bonus for ${n[0]}`)]);
      }
      if (this.redis) {
        const { client: r, prefix: p } = this.redis;
        const pipe = r.pipeline();
        let entry = 0;
        buyers.forEach((buyer, i) => {
          const n = i + 1;
          const [name, email, ip] = i === 0 ? ['Ada Lovelace', 'ada@example.com', '203.0.113.77'] : [`Buyer Number${n}`, `buyer${n}@example.net`, `198.51.100.${n % 250}`];
          pipe.hset(`${p}cart:${buyer}`, { ship_to: `Flat ${n}B, ${n} Lovelace Lane`, [`item:${1000 + n}`]: '2' });
          const sessions = i === 0 ? (options.adaSessions ?? 2) : 1;
          for (let s = 0; s < sessions; s++) {
            const key = `${p}session:${createHash('sha256').update(`${n}-${s}`).digest('hex').slice(0, 32)}`;
            if (i === 0) this.adaSessions.push(key);
            pipe.hset(key, { buyer_id: buyer, ip, user_agent: `Mozilla/5.0 (buyer ${n})` });
          }
          pipe.zadd(`${p}recently_viewed`, 1_700_000_000 + n, `${buyer}:item${n}`, 1_700_000_500 + n, `${buyer}:item${n + 1}`);
          pipe.hset(`${p}profile_cache`, buyer, JSON.stringify({ name, email }));
          pipe.xadd(`${p}events`, `1-${++entry}`, 'buyer', buyer, 'event', 'viewed', 'detail', `${email} looked at item${n}`);
          pipe.xadd(`${p}events`, `1-${++entry}`, 'buyer', buyer, 'event', 'carted', 'detail', `item${n}`);
        });
        pipe.set(`${p}stats:visits`, '12345');
        await pipe.exec();
      }
      if (this.files) {
        const dir = this.files.dir;
        buyers.forEach((buyer, i) => {
          const n = i + 1;
          mkdirSync(join(dir, 'avatars', buyer), { recursive: true });
          writeFileSync(join(dir, 'avatars', buyer, 'avatar.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from(i === 0 ? 'ada-avatar-bytes' : `avatar-${n}-bytes`)]));
          writeFileSync(join(dir, 'avatars', buyer, 'thumb-64.png'), Buffer.from(`thumb-${n}`));
          mkdirSync(join(dir, 'invoices', '2025'), { recursive: true });
          const [name, email] = i === 0 ? ['Ada Lovelace', 'ada@example.com'] : [`Buyer Number${n}`, `buyer${n}@example.net`];
          writeFileSync(join(dir, 'invoices', '2025', `${buyer}-INV-${String(n).padStart(4, '0')}.txt`), `Invoice INV-${n}\nBill to: ${name}\nFlat ${n}B, ${n} Lovelace Lane\n${email}\nTotal: 42.00\n`);
        });
        mkdirSync(join(dir, 'static'), { recursive: true });
        writeFileSync(join(dir, 'static', 'logo.svg'), '<svg/>');
      }
    },
    async dump() {
      const out: Record<string, string[]> = {};
      if (this.mysql) for (const [table, rows] of Object.entries(await dumpMysql(this.mysql.conn))) out[`mysql:${table}`] = rows;
      if (this.pg) {
        for (const table of ['loyalty.members', 'loyalty.point_events']) out[`pg:${table}`] = (await this.pg.client.query(`SELECT t::text AS r FROM ${table} AS t ORDER BY 1`)).rows.map((r) => String(r.r));
      }
      if (this.redis) out.redis = await dumpRedis(this.redis.client, this.redis.prefix);
      if (this.files) {
        const dir = this.files.dir;
        const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (f === '.adieu-erasure-markers' ? [] : statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
        out.files = walk(dir)
          .map((f) => `${relative(dir, f)}\t${readFileSync(f).toString('base64')}`)
          .sort();
      }
      return out;
    },
    async close() {
      if (this.mysql) {
        await this.mysql.conn.end();
        await this.mysql.drop();
      }
      if (this.pg) {
        await this.pg.client.end();
        const admin = new pg.Client({ connectionString: parts.pg });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${this.pg.name} WITH (FORCE)`);
        await admin.end();
      }
      if (this.redis) {
        await dropPrefix(this.redis.client, this.redis.prefix);
        this.redis.client.disconnect();
      }
      if (this.files) rmSync(this.files.dir, { recursive: true, force: true });
    },
  };
  if (parts.mysql) {
    const db = await createMysqlDatabase();
    const conn = await mysql.createConnection({ uri: db.url, timezone: 'Z', dateStrings: true });
    platform.mysql = { ...db, conn };
  }
  if (parts.pg) {
    const name = `adieu_tloy${randomBytes(3).toString('hex')}_${process.pid}`;
    const admin = new pg.Client({ connectionString: parts.pg });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = withDatabase(parts.pg, name);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    platform.pg = { name, url, client };
  }
  if (parts.redis) {
    const client = new Redis(REDIS_TEST_URL);
    platform.redis = { url: REDIS_TEST_URL, prefix: redisPrefix(), client };
  }
  if (parts.files) {
    const dir = mkdtempSync(join(TMP_ROOT, 'uploads-'));
    platform.files = { dir, url: pathToFileURL(dir).toString() };
  }
  return platform;
}

/** Lines of a dump that are Ada's (her id in them, or one of her session keys). */
export const isAdas = (platform: Platform, ada: string) => (line: string) =>
  line.includes(ada) || platform.adaSessions.some((k) => line.startsWith(`${k}\t`)) || line.includes('"customer_id":1,');

export { BATCH as REDIS_BATCH };
