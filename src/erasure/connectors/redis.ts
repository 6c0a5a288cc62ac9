import type { Redis } from 'ioredis';
import type { KeyEntry, StoreSpec } from '../../domain/erasure-datamap.ts';
import type { ItemStep } from '../../domain/erasure-plan.ts';
import { needlesInText } from '../../domain/erasure-scan.ts';
import { escapeRedisGlob, fillTemplate, hasPlaceholder, redisGlobRegExp, wildTemplate } from '../../domain/erasure-templates.ts';
import { keyShape, type DescribedItems } from '../../domain/datamap-draft-items.ts';
import { requiredIdentityValue, type ParamValues } from '../params.ts';
import type { ItemScan, ItemStoreConnector, StepOutcome, StoreProbe } from './connector.ts';
import { StoreError } from './mysql.ts';
import { lazyModule } from '../../lazy-module.ts';

/** ioredis loads with the first Redis store a run touches, not with every server's start. */
const ioredis = lazyModule<typeof import('ioredis')>('ioredis');

/**
 * The Redis connector (`redis://[user:password@]host:6379/DB`, with ioredis). Keys are found with
 * SCAN (never KEYS), in batches of `BATCH`; each batch is removed by one Lua script that checks
 * again that each key (field, member, entry) is the subject's, removes it (UNLINK, HDEL, ZREM/SREM/
 * LREM, XDEL) and adds what it removed to the step's marker in the same atomic call. A crash
 * between batches resumes where it stopped and still reports every item removed. The marker is
 * the hash `adieu:erasure:markers:RUN` (fields `SEQ` and `SEQ:done`), kept for `MARKER_TTL_SECONDS`.
 */
export const BATCH = 200;
const MARKER_TTL_SECONDS = 180 * 86_400;
const markerKey = (runId: string) => `adieu:erasure:markers:${runId}`;

const DELETE_KEYS = `
local n = 0
for i = 2, #KEYS do
  local k = KEYS[i]
  local ok = true
  if ARGV[3] ~= '' and redis.call('TYPE', k).ok ~= ARGV[3] then ok = false end
  if ok and ARGV[4] ~= '' and redis.call('HGET', k, ARGV[4]) ~= ARGV[5] then ok = false end
  if ok then n = n + redis.call('UNLINK', k) end
end
redis.call('HINCRBY', KEYS[1], ARGV[1], n)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n`;

const DELETE_FIELDS = `
local n = 0
local k = KEYS[2]
if redis.call('TYPE', k).ok == 'hash' and (ARGV[3] == '' or redis.call('HGET', k, ARGV[3]) == ARGV[4]) then
  for i = 5, #ARGV do n = n + redis.call('HDEL', k, ARGV[i]) end
end
redis.call('HINCRBY', KEYS[1], ARGV[1], n)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n`;

const REMOVE_MEMBERS = `
local n = 0
local k = KEYS[2]
local t = redis.call('TYPE', k).ok
for i = 3, #ARGV do
  if t == 'zset' then n = n + redis.call('ZREM', k, ARGV[i])
  elseif t == 'set' then n = n + redis.call('SREM', k, ARGV[i])
  elseif t == 'list' then n = n + redis.call('LREM', k, 0, ARGV[i]) end
end
redis.call('HINCRBY', KEYS[1], ARGV[1], n)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n`;

const DELETE_ENTRIES = `
local n = 0
local k = KEYS[2]
if redis.call('TYPE', k).ok == 'stream' then
  for i = 5, #ARGV do
    local e = redis.call('XRANGE', k, ARGV[i], ARGV[i])
    if e[1] then
      local f = e[1][2]
      for j = 1, #f, 2 do
        if f[j] == ARGV[3] and f[j + 1] == ARGV[4] then n = n + redis.call('XDEL', k, ARGV[i]) break end
      end
    end
  end
end
redis.call('HINCRBY', KEYS[1], ARGV[1], n)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n`;

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** A failure of the store, worded without the server's message (it may quote a key). */
function storeError(store: string, error: unknown): StoreError {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (NETWORK.has(code)) return new StoreError(`store ${store} (redis) is unreachable (${code})`);
  if (/^(NOAUTH|WRONGPASS)/.test(message)) return new StoreError(`store ${store} (redis) refused the credentials (${message.split(' ')[0]})`);
  if (/Connection is closed|Stream isn't writeable|connect ETIMEDOUT/.test(message)) return new StoreError(`store ${store} (redis) is unreachable (connection closed)`);
  const word = /^[A-Z]+/.exec(message)?.[0];
  return new StoreError(`store ${store} (redis) failed: ${code || word || 'unknown'}`);
}

const clients = new Map<string, Redis>();
/** The socket's own error (ECONNREFUSED…): ioredis rejects a failed connect only with "Connection is closed". */
const lastErrors = new WeakMap<Redis, unknown>();

/** One connection per URL; a fresh one after the last was lost, so a retried step reconnects. */
async function clientFor(url: string): Promise<Redis> {
  let client = clients.get(url);
  if (client && (client.status === 'end' || client.status === 'close')) {
    client.disconnect();
    client = undefined;
  }
  if (!client) {
    // No reconnect loop and no offline queue: a step against an unreachable store fails at once and is retried by the run.
    client = new (ioredis().Redis)(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
    const created = client;
    created.on('error', (error) => lastErrors.set(created, error));
    clients.set(url, client);
  }
  if (client.status === 'wait') {
    const connecting = client;
    await connecting.connect().catch((error: unknown) => {
      throw lastErrors.get(connecting) ?? error;
    });
  }
  return client;
}

/** Closes the connections (tests, shutdown, CLI). */
export async function closeRedisClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
}

/** A glob is a literal key when nothing in it is a wildcard (escapes aside). */
function literalOf(glob: string): string | null {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '\\' && i + 1 < glob.length) out += glob[++i];
    else if ('*?['.includes(glob[i])) return null;
    else out += glob[i];
  }
  return out;
}

async function* scanKeys(redis: Redis, glob: string): AsyncGenerator<string[]> {
  const literal = literalOf(glob);
  if (literal !== null) {
    if (await redis.exists(literal)) yield [literal];
    return;
  }
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', glob, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

type Entry = KeyEntry;

/** The subject's view of an entry: key glob, and the identity values its where / member / fields use. */
function subjectView(entry: Entry, values: ParamValues) {
  const id = (kind: Parameters<typeof requiredIdentityValue>[0]) => requiredIdentityValue(kind, values);
  return {
    keyGlob: fillTemplate(entry.pattern, id, escapeRedisGlob),
    where: entry.where ? { field: entry.where.field, value: id(entry.where.identity) } : null,
    memberGlob: entry.member ? fillTemplate(entry.member, id, escapeRedisGlob) : null,
    fieldGlobs: entry.fields?.map((f) => fillTemplate(f, id, escapeRedisGlob)) ?? [],
  };
}

type View = ReturnType<typeof subjectView>;

async function hscanFields(redis: Redis, key: string, glob: string): Promise<string[]> {
  const literal = literalOf(glob);
  if (literal !== null) return (await redis.hexists(key, literal)) ? [literal] : [];
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'MATCH', glob, 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i < flat.length; i += 2) found.push(flat[i]);
  } while (cursor !== '0');
  return found;
}

/** The subject's members of a set, sorted set or list. */
async function matchingMembers(redis: Redis, key: string, type: string, glob: string): Promise<string[]> {
  const literal = literalOf(glob);
  if (type === 'list') {
    const re = redisGlobRegExp(glob);
    return [...new Set((await redis.lrange(key, 0, -1)).filter((m) => re.test(m)))];
  }
  if (literal !== null) {
    const present = type === 'zset' ? (await redis.zscore(key, literal)) !== null : type === 'set' ? (await redis.sismember(key, literal)) === 1 : false;
    return present ? [literal] : [];
  }
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, flat] = type === 'zset' ? await redis.zscan(key, cursor, 'MATCH', glob, 'COUNT', 1000) : await redis.sscan(key, cursor, 'MATCH', glob, 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i < flat.length; i += type === 'zset' ? 2 : 1) found.push(flat[i]);
  } while (cursor !== '0');
  return found;
}

/** Stream entries whose field names the subject, in pages. */
async function* matchingEntries(redis: Redis, key: string, where: { field: string; value: string }): AsyncGenerator<Array<{ id: string; fields: string[] }>> {
  let start = '-';
  for (;;) {
    const page = await redis.xrange(key, start, '+', 'COUNT', 500);
    if (page.length === 0) return;
    const mine = page.filter(([, fields]) => fields.some((f, i) => i % 2 === 0 && f === where.field && fields[i + 1] === where.value)).map(([id, fields]) => ({ id, fields }));
    if (mine.length > 0) yield mine;
    if (page.length < 500) return;
    start = `(${page[page.length - 1][0]}`;
  }
}

/** A key's content as texts (key name first), by its type. */
async function keyTexts(redis: Redis, key: string): Promise<{ type: string; items: Array<{ part: string; text: string }> }> {
  const type = await redis.type(key);
  const items: Array<{ part: string; text: string }> = [{ part: 'key', text: key }];
  if (type === 'string') items.push({ part: 'value', text: (await redis.get(key)) ?? '' });
  else if (type === 'hash') {
    const all = await redis.hgetall(key);
    for (const [field, value] of Object.entries(all)) items.push({ part: `field:${field}`, text: `${field}\u0001${value}` });
  } else if (type === 'list') for (const m of await redis.lrange(key, 0, -1)) items.push({ part: `member:${m}`, text: m });
  else if (type === 'set') for (const m of await redis.smembers(key)) items.push({ part: `member:${m}`, text: m });
  else if (type === 'zset') for (const m of await redis.zrange(key, '0', '-1')) items.push({ part: `member:${m}`, text: m });
  else if (type === 'stream') for (const [id, fields] of await redis.xrange(key, '-', '+')) items.push({ part: `entry:${id}`, text: fields.join('\u0001') });
  return { type, items };
}

/** Which parts of a key the subject's erasure removes (for `excludeSubject`). */
async function removedParts(redis: Redis, entry: Entry, view: View, key: string, type: string, items: Array<{ part: string; text: string }>): Promise<Set<string>> {
  const removed = new Set<string>();
  if (entry.action === 'non_personal' || !redisGlobRegExp(view.keyGlob).test(key)) return removed;
  const whereOk = !view.where || (type === 'stream' ? true : (await redis.hget(key, view.where.field)) === view.where.value);
  if (!whereOk) return removed;
  if (entry.action === 'delete_key') {
    if (!entry.type || entry.type === type) for (const i of items) removed.add(i.part);
  } else if (entry.action === 'delete_fields') {
    const res = view.fieldGlobs.map(redisGlobRegExp);
    for (const i of items) if (i.part.startsWith('field:') && res.some((re) => re.test(i.part.slice(6)))) removed.add(i.part);
  } else if (entry.action === 'remove_members' && view.memberGlob) {
    const re = redisGlobRegExp(view.memberGlob);
    for (const i of items) if (i.part.startsWith('member:') && re.test(i.part.slice(7))) removed.add(i.part);
  } else if (entry.action === 'delete_entries' && view.where) {
    for (const i of items) {
      if (!i.part.startsWith('entry:')) continue;
      const fields = i.text.split('\u0001');
      if (fields.some((f, j) => j % 2 === 0 && f === view.where!.field && fields[j + 1] === view.where!.value)) removed.add(i.part);
    }
  }
  return removed;
}

export function redisConnector(store: StoreSpec, url: string): ItemStoreConnector {
  const name = store.store;

  async function guarded<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await work(await clientFor(url));
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw storeError(name, error);
    }
  }

  const keysOf = (step: ItemStep): Entry => {
    if (step.kind !== 'keys') throw new Error(`store ${name} (redis) holds keys, not files`);
    return step.entry;
  };

  /**
   * Walks the subject's items of an entry, batch by batch: `act` gets each batch (keys, or one key
   * and its fields / members / entry ids) and returns how many it counted.
   */
  async function walk(redis: Redis, entry: Entry, values: ParamValues, act: (batch: { keys: string[]; key?: string; parts?: string[] }) => Promise<number>): Promise<number> {
    const view = subjectView(entry, values);
    let total = 0;
    for await (const keys of scanKeys(redis, view.keyGlob)) {
      if (entry.action === 'delete_key') {
        let mine = keys;
        if (entry.type || view.where) {
          const pipeline = redis.pipeline();
          for (const k of keys) {
            pipeline.type(k);
            if (view.where) pipeline.hget(k, view.where.field);
          }
          const answers = ((await pipeline.exec()) ?? []).map(([error, value]) => {
            if (error) throw error;
            return value as string | null;
          });
          const step = view.where ? 2 : 1;
          mine = keys.filter((_, i) => (!entry.type || answers[i * step] === entry.type) && (!view.where || answers[i * step + 1] === view.where.value));
        }
        for (const batch of chunks(mine, BATCH)) total += await act({ keys: batch });
        continue;
      }
      for (const key of keys) {
        const type = await redis.type(key);
        if (entry.action === 'delete_fields') {
          if (type !== 'hash') continue;
          if (view.where && (await redis.hget(key, view.where.field)) !== view.where.value) continue;
          const fields = [...new Set((await Promise.all(view.fieldGlobs.map((g) => hscanFields(redis, key, g)))).flat())];
          for (const batch of chunks(fields, BATCH)) total += await act({ keys: [key], key, parts: batch });
        } else if (entry.action === 'remove_members') {
          if (!['set', 'zset', 'list'].includes(type) || (entry.type && entry.type !== type)) continue;
          const members = await matchingMembers(redis, key, type, view.memberGlob!);
          for (const batch of chunks(members, BATCH)) total += await act({ keys: [key], key, parts: batch });
        } else if (entry.action === 'delete_entries') {
          if (type !== 'stream') continue;
          for await (const page of matchingEntries(redis, key, view.where!)) total += await act({ keys: [key], key, parts: page.map((e) => e.id) });
        }
      }
    }
    return total;
  }

  return {
    scheme: 'redis',
    plan: (step, values) =>
      guarded(async (redis) => {
        const entry = keysOf(step);
        return walk(redis, entry, values, async (batch) => batch.parts?.length ?? batch.keys.length);
      }),
    execute: (step, values, marker) =>
      guarded(async (redis) => {
        const entry = keysOf(step);
        const mark = markerKey(marker.runId);
        const seq = String(marker.seq);
        const [prior, done] = await redis.hmget(mark, seq, `${seq}:done`);
        if (done === '1') return { rows: Number(prior ?? 0) } satisfies StepOutcome;
        const view = subjectView(entry, values);
        const where = view.where ? [view.where.field, view.where.value] : ['', ''];
        await walk(redis, entry, values, async (batch) => {
          switch (entry.action) {
            case 'delete_key':
              return Number(await redis.eval(DELETE_KEYS, 1 + batch.keys.length, mark, ...batch.keys, seq, MARKER_TTL_SECONDS, entry.type ?? '', ...where));
            case 'delete_fields':
              return Number(await redis.eval(DELETE_FIELDS, 2, mark, batch.key!, seq, MARKER_TTL_SECONDS, ...where, ...batch.parts!));
            case 'remove_members':
              return Number(await redis.eval(REMOVE_MEMBERS, 2, mark, batch.key!, seq, MARKER_TTL_SECONDS, ...batch.parts!));
            case 'delete_entries':
              return Number(await redis.eval(DELETE_ENTRIES, 2, mark, batch.key!, seq, MARKER_TTL_SECONDS, ...where, ...batch.parts!));
            default:
              return 0;
          }
        });
        await redis.hset(mark, `${seq}:done`, '1');
        await redis.expire(mark, MARKER_TTL_SECONDS);
        return { rows: Number((await redis.hget(mark, seq)) ?? 0) };
      }),
    sample: (step, values, limit) =>
      guarded(async (redis) => {
        const entry = keysOf(step);
        const view = subjectView(entry, values);
        const found = new Set<string>();
        for await (const keys of scanKeys(redis, view.keyGlob)) {
          for (const key of keys) {
            if (found.size >= limit) return [...found];
            const { type, items } = await keyTexts(redis, key);
            const removed = await removedParts(redis, entry, view, key, type, items);
            for (const item of items) {
              if (item.part === 'key' || !removed.has(item.part)) continue;
              const text = item.part.startsWith('field:') ? item.text.split('\u0001')[1] : item.part.startsWith('entry:') ? item.text.split('\u0001').filter((_, i) => i % 2 === 1 && i > 0).join(' ') : item.text;
              if (text && found.size < limit) found.add(text);
            }
          }
        }
        return [...found];
      }),
    scan: (spec, needles, values, options) =>
      guarded(async (redis) => {
        const report: ItemScan = { items: 0, hits: [] };
        if (needles.length === 0) return report;
        const seen = new Set<string>();
        for (const [entryName, entry] of Object.entries(spec.keys ?? {})) {
          const view = subjectView(entry, values);
          const glob = options.scope === 'subject' && hasPlaceholder(entry.pattern) ? view.keyGlob : wildTemplate(entry.pattern);
          const counts = new Map<number, number>();
          for await (const keys of scanKeys(redis, glob)) {
            for (const key of keys) {
              if (seen.has(key)) continue;
              seen.add(key);
              const { type, items } = await keyTexts(redis, key);
              if (type === 'none') continue;
              report.items += 1;
              const removed = options.excludeSubject ? await removedParts(redis, entry, view, key, type, items) : new Set<string>();
              const hit = new Set<number>();
              for (const item of items) if (!removed.has(item.part)) for (const n of needlesInText(item.text.toLowerCase(), needles)) hit.add(n);
              for (const n of hit) counts.set(n, (counts.get(n) ?? 0) + 1);
            }
          }
          for (const [needle, items] of counts) report.hits.push({ entry: `keys.${entryName} (${entry.pattern})`, needle, items });
        }
        return report;
      }),
    unmapped: (spec) =>
      guarded(async (redis) => {
        const entries = Object.values(spec.keys ?? {});
        const matchers = entries.map((e) => redisGlobRegExp(wildTemplate(e.pattern)));
        // The namespaces the map answers for: the first segment of each pattern (as SQL checks the schemas it names).
        const namespaces = [...new Set(entries.map((e) => /^[^:*?[{]*:/.exec(e.pattern)?.[0]).filter((n): n is string => !!n))];
        const shapes = new Set<string>();
        for (const namespace of namespaces.length > 0 ? namespaces : ['']) {
          for await (const keys of scanKeys(redis, `${escapeRedisGlob(namespace)}*`)) {
            for (const key of keys) if (!key.startsWith('adieu:erasure:markers:') && !matchers.some((m) => m.test(key))) shapes.add(keyShape(key));
          }
        }
        return [...shapes].sort();
      }),
    describe: (options, progress) => guarded((redis) => describeRedis(redis, options, progress)),
    probe: async (): Promise<StoreProbe> => {
      try {
        const redis = await clientFor(url);
        await redis.ping();
        // A read-only replica or an ACL without the erasure's commands would fail the steps later.
        const role = (await redis.role()) as unknown[];
        if (role[0] !== 'master') return { ok: false, detail: `reachable, but a ${String(role[0])}: erasure needs the primary` };
        const probeKey = `adieu:erasure:probe:${process.pid}`;
        await redis.eval(`redis.call('HSET', KEYS[1], 'p', '1') return redis.call('UNLINK', KEYS[1])`, 1, probeKey);
        return { ok: true, detail: 'reachable, may run scripts that remove keys' };
      } catch (error) {
        return { ok: false, detail: storeError(name, error).message.replace(`store ${name} (redis) `, '') };
      }
    },
  };
}

/**
 * A bounded SCAN of the keyspace (`match` narrows it), grouped by key shape; per shape its type
 * and a few of its keys' values (fields, members, entries), kept in memory only.
 */
async function describeRedis(redis: Redis, options: { sample: number; match?: string }, progress?: (done: number, total: number) => void): Promise<DescribedItems> {
  const LIMIT = 10_000;
  const shapes = new Map<string, { keys: string[]; count: number }>();
  let scanned = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', options.match ?? '*', 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      if (key.startsWith('adieu:erasure:')) continue;
      scanned += 1;
      const shape = keyShape(key);
      const entry = shapes.get(shape) ?? { keys: [], count: 0 };
      entry.count += 1;
      if (entry.keys.length < options.sample) entry.keys.push(key);
      shapes.set(shape, entry);
    }
  } while (cursor !== '0' && scanned < LIMIT);
  const described: DescribedItems = { kind: 'keys', shapes: [], truncated: cursor !== '0' };
  let done = 0;
  for (const [shape, { keys, count }] of [...shapes.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parts = new Map<string, string[]>();
    let type = 'none';
    for (const key of keys) {
      const content = await keyTexts(redis, key);
      type = content.type;
      for (const item of content.items) {
        if (item.part === 'key') continue;
        const [kind, rest] = [item.part.slice(0, item.part.indexOf(':')), item.part.slice(item.part.indexOf(':') + 1)];
        const label = kind === 'field' ? `field ${rest}` : kind === 'entry' ? 'entries' : kind;
        const value = kind === 'field' ? item.text.split('\u0001')[1] : item.text;
        if (kind === 'entry') {
          const fields = item.text.split('\u0001');
          for (let i = 0; i + 1 < fields.length; i += 2) parts.set(`entry field ${fields[i]}`, [...(parts.get(`entry field ${fields[i]}`) ?? []), fields[i + 1]].slice(0, options.sample));
          continue;
        }
        parts.set(label, [...(parts.get(label) ?? []), value].slice(0, options.sample));
      }
    }
    const segments = keyShapeSegments(shape, keys, options.sample);
    described.shapes.push({ shape, count, type, segments, parts: [...parts.entries()].map(([label, samples]) => ({ label, samples })) });
    progress?.(++done, shapes.size);
  }
  return described;
}

/** The values of the wildcard segments of a shape, from its sampled keys. */
function keyShapeSegments(shape: string, keys: string[], sample: number): string[][] {
  const positions = shape.split(':').flatMap((s, i) => (s === '*' ? [i] : []));
  return positions.map((p) => keys.map((k) => k.split(':')[p] ?? '').slice(0, sample));
}
