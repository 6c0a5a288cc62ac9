import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The machine's Redis, as `.ci/run` starts it; database 11 and a prefix of its own per test. */
export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/11';

export async function redisReachable(): Promise<boolean> {
  const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A key prefix no other test uses (letters only, so key shapes keep it: `tqkzmwhfbxa:`). */
export function redisPrefix(): string {
  return `t${[...randomBytes(10)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}:`;
}

export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * Every key under a prefix as lines `key<TAB>part<TAB>value` (hash fields, members with scores,
 * stream entries), sorted: two dumps are equal only when every byte is.
 */
export async function dumpRedis(redis: Redis, prefix: string): Promise<string[]> {
  const lines: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') lines.push(`${key}\t\t${await redis.get(key)}`);
      else if (type === 'hash') for (const [f, v] of Object.entries(await redis.hgetall(key))) lines.push(`${key}\t${f}\t${v}`);
      else if (type === 'zset') {
        const flat = await redis.zrange(key, '0', '-1', 'WITHSCORES');
        for (let i = 0; i < flat.length; i += 2) lines.push(`${key}\t${flat[i]}\t${flat[i + 1]}`);
      } else if (type === 'set') for (const m of await redis.smembers(key)) lines.push(`${key}\t${m}\t`);
      else if (type === 'list') (await redis.lrange(key, 0, -1)).forEach((m, i) => lines.push(`${key}\t${i}\t${m}`));
      else if (type === 'stream') for (const [id, fields] of await redis.xrange(key, '-', '+')) lines.push(`${key}\t${id}\t${fields.join('\u0001')}`);
    }
  } while (cursor !== '0');
  return lines.sort();
}
