import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { ACCOUNT_FAILURE_LIMIT } from '../../src/accounts/sign-in.ts';

/**
 * "Similar timing" without a stopwatch: every way a sign-in can fail must do the same expensive
 * work, one argon2id verification with the production parameters. The real library runs; the
 * wrapper only records the calls.
 */
const argon = vi.hoisted(() => ({ verifies: [] as string[] }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: async (hashed: string, password: string | Uint8Array, ...rest: unknown[]) => {
      argon.verifies.push(hashed);
      return (real.verify as (...args: unknown[]) => Promise<boolean>)(hashed, password, ...rest);
    },
  };
});

const PARAMS = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

describe.each(DATABASE_KINDS)('sign-in costs the same whatever fails (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  async function attempt(identifier: string, password: string, ip: string) {
    argon.verifies.length = 0;
    const response = await new Client(t.app, ip).post('/api/auth/login', { identifier, password });
    return { response, verifies: [...argon.verifies] };
  }

  it('verifies one argon2id hash for unknown, wrong, malformed and paused alike', async () => {
    const unknown = await attempt('nobody@example.com', 'some password here', '10.1.0.1');
    const wrong = await attempt('ada@example.com', 'some password here', '10.1.0.2');
    const malformed = await attempt('not an identifier', 'some password here', '10.1.0.3');
    const noPhone = await attempt('+8613999999999', 'some password here', '10.1.0.4');
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) await attempt('ben@example.com', 'some password here', `10.1.1.${i}`);
    const paused = await attempt('ben@example.com', DEMO_PASSWORD, '10.1.0.5');
    const right = await attempt('cai@example.com', DEMO_PASSWORD, '10.1.0.6');

    for (const failed of [unknown, wrong, malformed, noPhone, paused]) {
      expect(failed.response.statusCode).toBe(401);
      expect(failed.response.body).toBe(unknown.response.body);
      expect(failed.verifies).toHaveLength(1);
      expect(failed.verifies[0]).toMatch(PARAMS);
    }
    expect(right.response.statusCode).toBe(200);
    expect(right.verifies).toHaveLength(1);
    expect(right.verifies[0]).toMatch(PARAMS);
    // The unknown path verifies a throw-away hash, not some real account's.
    expect(unknown.verifies[0]).not.toBe(wrong.verifies[0]);
  });
});
