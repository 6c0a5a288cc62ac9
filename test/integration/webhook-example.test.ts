import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { erasureDownstream, erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { generateSecret } from '../../src/webhooks/standard-webhooks.ts';
import { pingReceiver } from '../../src/erasure/webhooks/ping.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

const SECRET = generateSecret();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(DATABASE_KINDS)('the reference receiver in examples/ (%s)', (kind) => {
  let t: TestApp;
  let port: number;
  let receiver: ReturnType<typeof spawn>;
  beforeEach(async () => {
    port = await freePort();
    receiver = spawn('node', ['examples/webhook-receiver/receiver.mjs'], { env: { ...process.env, ADIEU_WEBHOOK_SECRET: SECRET, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => receiver.stdout!.once('data', () => resolve()));
    t = await createTestApp(kind, { webhooks: [{ name: 'crm', url: `http://127.0.0.1:${port}/erasure`, secret: SECRET }] });
    // The receiver calls back over HTTP: Adieu must really listen, and say where.
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.ctx.config.publicUrl = address;
  });
  afterEach(async () => {
    receiver.kill('SIGTERM');
    await t.close();
  });

  it("answers `adieu doctor`'s signed ping with 200 and a ping signed with another secret with 401", async () => {
    const url = `http://127.0.0.1:${port}/erasure`;
    expect(await pingReceiver({ name: 'crm', url, secret: SECRET }, 5000)).toEqual({ ok: true, status: 200 });
    expect(await pingReceiver({ name: 'crm', url, secret: `${SECRET.slice(0, -4)}AAA=` }, 5000)).toEqual({ ok: false, status: 401, reason: 'refused the signature (HTTP 401)' });
  });

  it('receives the request, confirms it with a signed callback, and the run completes', async () => {
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const deadline = Date.now() + 20_000;
    while ((await t.ctx.db.select().from(erasureDownstream).where(eq(erasureDownstream.runId, runId)))[0].state !== 'confirmed') {
      if (Date.now() > deadline) throw new Error('no confirmation from the example receiver');
      await new Promise((r) => setTimeout(r, 50));
    }
    await drainJobs(t.ctx);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('completed');
    const [row] = await t.ctx.db.select().from(erasureDownstream).where(eq(erasureDownstream.runId, runId));
    expect(row).toMatchObject({ state: 'confirmed', outcome: 'not_found' });
  });
});
