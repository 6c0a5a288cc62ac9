import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.ts';
import { counterKey, retryAfter, type RateDecision, type RateLimiter } from './rate-limiter.ts';

/**
 * One atomic step of a fixed window: a hash { count, ends } per key. The window end is kept in
 * service-clock milliseconds (so the dev clock moves windows on, as with PostgreSQL); the key's TTL
 * only tidies up after the window.
 */
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'count', 'ends')
local count = tonumber(state[1])
local ends = tonumber(state[2])
if (not count) or (not ends) or ends <= now then
  count = 1
  ends = now + window
else
  count = count + 1
end
redis.call('HSET', KEYS[1], 'count', count, 'ends', ends)
redis.call('PEXPIRE', KEYS[1], math.max(1000, ends - now + 1000))
return {count, ends}
`;

/** Counters in Redis (`REDIS_URL`), for many servers in front of one busy database. */
export class RedisRateLimiter implements RateLimiter {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly secret: () => Promise<Buffer>,
  ) {
    // ioredis loads only where Redis is configured.
    const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
    this.redis = new RedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, enableAutoPipelining: true });
    // Connection trouble surfaces on the commands themselves; the event must not crash the process.
    this.redis.on('error', () => undefined);
  }

  private async key(scope: string, value: string): Promise<string> {
    return `${this.prefix}rl:${counterKey(await this.secret(), scope, value)}`;
  }

  /** Redis being down is an outage of the service, not a bug of the request. */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE');
    }
  }

  async hit(scope: string, value: string, limit: number, windowSeconds: number, now: Date): Promise<RateDecision> {
    const key = await this.key(scope, value);
    const [count, ends] = (await this.run(() => this.redis.eval(HIT_SCRIPT, 1, key, now.getTime(), windowSeconds * 1000))) as [number, number];
    return { allowed: count <= limit, count, retryAfterSeconds: retryAfter(Number(ends), now.getTime()) };
  }

  async peek(scope: string, value: string, now: Date): Promise<{ count: number; retryAfterSeconds: number }> {
    const key = await this.key(scope, value);
    const [count, ends] = await this.run(() => this.redis.hmget(key, 'count', 'ends'));
    if (count === null || ends === null || Number(ends) <= now.getTime()) return { count: 0, retryAfterSeconds: 0 };
    return { count: Number(count), retryAfterSeconds: retryAfter(Number(ends), now.getTime()) };
  }

  async reset(scope: string, value: string): Promise<void> {
    const key = await this.key(scope, value);
    await this.run(() => this.redis.del(key));
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
