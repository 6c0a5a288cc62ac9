import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { ACCOUNT_FAILURE_LIMIT, IP_FAILURE_LIMIT } from '../../src/accounts/sign-in.ts';
import { RedisRateLimiter } from '../../src/http/redis-rate-limiter.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** The machine's Redis; the tests are skipped only when it does not answer. */
const redisUp = await new Promise<boolean>((resolve) => {
  const socket = connect(6379, '127.0.0.1');
  socket.setTimeout(1000);
  socket.once('connect', () => {
    socket.destroy();
    resolve(true);
  });
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => {
    socket.destroy();
    resolve(false);
  });
});

describe.skipIf(!redisUp)('Redis rate-limit counters', () => {
  let prefix: string;
  let redis: Redis;
  beforeEach(() => {
    prefix = `adieu-test-${randomBytes(6).toString('hex')}:`;
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('counts a fixed window on the service clock, peeks, resets, and stores no raw value', async () => {
    const limiter = new RedisRateLimiter(REDIS_URL, prefix, async () => Buffer.alloc(32, 7));
    try {
      const t0 = new Date('2030-01-01T00:00:00Z');
      expect(await limiter.peek('login-ip', '192.0.2.7', t0)).toEqual({ count: 0, retryAfterSeconds: 0 });
      for (let i = 1; i <= 3; i++) {
        const decision = await limiter.hit('login-ip', '192.0.2.7', 2, 60, new Date(t0.getTime() + i * 1000));
        expect(decision).toEqual({ allowed: i <= 2, count: i, retryAfterSeconds: 60 - (i - 1) });
      }
      expect(await limiter.peek('login-ip', '192.0.2.7', new Date(t0.getTime() + 30_000))).toEqual({ count: 3, retryAfterSeconds: 31 });
      // The window ends by the clock it was given, not by Redis's own.
      expect(await limiter.peek('login-ip', '192.0.2.7', new Date(t0.getTime() + 61_000))).toEqual({ count: 0, retryAfterSeconds: 0 });
      expect((await limiter.hit('login-ip', '192.0.2.7', 2, 60, new Date(t0.getTime() + 61_000))).count).toBe(1);
      await limiter.hit('login-ip', '192.0.2.8', 2, 60, t0);

      const keys = await redis.keys(`${prefix}*`);
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).not.toContain('192.0.2');
        expect(await redis.pttl(key)).toBeGreaterThan(0); // tidies itself up
      }
      await limiter.reset('login-ip', '192.0.2.7');
      expect(await redis.keys(`${prefix}*`)).toHaveLength(1);
      await limiter.ping();
    } finally {
      await limiter.close();
    }
  });

  it('answers 503 when Redis cannot be reached', async () => {
    const limiter = new RedisRateLimiter('redis://127.0.0.1:1', prefix, async () => Buffer.alloc(32, 7));
    try {
      await expect(limiter.hit('login-ip', 'x', 1, 60, new Date())).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    } finally {
      await limiter.close();
    }
  });

  describe.each(DATABASE_KINDS)('chosen at start-up when redis.url is set (%s)', (kind) => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(kind, { redis: { url: REDIS_URL, keyPrefix: prefix } });
      await seedDemo(t.ctx);
    });
    afterEach(() => t.close());

    it('throttles sign-in through Redis, with nothing in the rate_limits table', async () => {
      expect(t.ctx.rateLimiter.kind).toBe('redis');
      for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
        await new Client(t.app, `10.5.0.${i}`).post('/api/auth/login', { identifier: i % 2 ? 'ADA@example.com' : 'ada@Example.COM', password: 'wrong password here' });
      }
      const paused = await new Client(t.app, '10.5.1.1').post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD });
      expect(paused.statusCode).toBe(401);

      const attacker = new Client(t.app, '10.6.6.6');
      for (let i = 0; i < IP_FAILURE_LIMIT; i++) await attacker.post('/api/auth/login', { identifier: `u${i}@example.com`, password: 'wrong password here' });
      const limited = await attacker.post('/api/auth/login', { identifier: 'ben@example.com', password: DEMO_PASSWORD });
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

      const { rows } = (await t.ctx.database.executeSql('SELECT count(*)::int AS n FROM rate_limits')) as { rows: Array<{ n: number }> };
      expect(rows[0].n).toBe(0);
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(IP_FAILURE_LIMIT);
      // Keys are the prefix, the scope and an HMAC: no identifier or address, in any spelling.
      for (const key of keys) expect(key).toMatch(new RegExp(`^${prefix}rl:login-(ip|account):[A-Za-z0-9_-]{32}$`));
      expect(keys.join(' ').toLowerCase()).not.toMatch(/@example\.com|10\.6\.6\.6/);

      // The dev clock moves Redis windows on too.
      expect((await t.app.inject({ method: 'POST', url: '/api/dev/clock', payload: { advance: 'PT16M' } })).statusCode).toBe(200);
      await attacker.signIn('ada@example.com', DEMO_PASSWORD);

      const ready = await t.app.inject({ method: 'GET', url: '/api/health/ready' });
      expect(ready.json().checks.rateLimiter).toBe('ok');
    });
  });
});
