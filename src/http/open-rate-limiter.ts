import type { Db } from '../db/database.ts';
import type { KeyStore } from '../keys/key-store.ts';
import { PostgresRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';

/** Chosen once at start-up: Redis when `redis.url` is set, else the main database. */
export function openRateLimiter(options: { redisUrl?: string; redisPrefix: string; db: Db; keys: KeyStore }): RateLimiter {
  const secret = () => options.keys.serviceSecret('rate-limit');
  return options.redisUrl ? new RedisRateLimiter(options.redisUrl, options.redisPrefix, secret) : new PostgresRateLimiter(options.db, secret);
}
