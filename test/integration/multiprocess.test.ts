import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { closeContext, createContext, type AppContext } from '../../src/app/create-context.ts';
import { createLogger } from '../../src/logger.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { insertUser } from '../../src/accounts/users.ts';
import { hashPassword } from '../../src/accounts/password/password-hasher.ts';
import { appendAudit, verifyAuditChain } from '../../src/audit/audit-log.ts';
import { queryRows } from '../../src/db/sql.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { spawnAdieu, stopAdieu as stopProc, type AdieuProcess as Proc } from '../helpers/adieu-process.ts';
import { startSmtpInbox } from '../helpers/smtp-inbox.ts';

/**
 * Adieu as it runs in production: 2 stateless servers (`serve --no-worker`) and 2 workers on one
 * PostgreSQL, with the per-buyer keys in a second, shared key database. Buyers apply concurrently
 * through both servers, reviewers decide through both, the grace period passes on the shared dev
 * clock, and the erasures run on the workers while one of them is killed (SIGKILL) and restarted.
 * In the end every application is in exactly one final state, every approved buyer was erased
 * exactly once with one certificate, and the audit chain is intact. Mail goes through SMTP, as
 * it must with several hosts: the dev mailbox is a folder of one process's data directory.
 *
 * PostgreSQL only (PGlite is one process). 200 buyers, as the issue asks (about 2 minutes here);
 * `ADIEU_MP_BUYERS` sets another number.
 * Due work is made to happen now by putting a `tick` job on the queue: the workers run it, never
 * the servers (nothing here calls POST /api/dev/jobs/run, which would run jobs in a server).
 */

const BUYERS = Number(process.env.ADIEU_MP_BUYERS ?? 200);
/** Buyers that apply at once (each one signs in, re-authenticates, uploads, submits). */
const CONCURRENCY = 16;
const PASSWORD = 'multi process passphrase';
const FINAL = ['erased', 'rejected', 'withdrawn'];

/** What the test decided for buyer i: most are approved, some rejected, some withdraw themselves. */
const fateOf = (i: number): 'approve' | 'reject' | 'withdraw' => (i % 10 === 3 ? 'reject' : i % 15 === 7 ? 'withdraw' : 'approve');

/** Bounds of the waits: generous for the work asked, so a stalled pipeline fails with a diagnosis. */
const QUARTER_WAIT_MS = Number(process.env.ADIEU_MP_WAIT_MS ?? 60_000 + BUYERS * 1_500);
const COMPLETION_WAIT_MS = Number(process.env.ADIEU_MP_WAIT_MS ?? 120_000 + BUYERS * 3_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Child processes

// Shared with the other multi-process tests: test/helpers/adieu-process.ts.

// ---------------------------------------------------------------------------------------------
// A browser-like HTTP client: session cookie and CSRF token, against whichever server it is given

interface Answer {
  status: number;
  body: any;
}

class Browser {
  cookie: string | null = null;
  csrfToken: string | null = null;

  async request(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const all: Record<string, string> = { ...headers };
    if (this.cookie) all.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') all['x-csrf-token'] = this.csrfToken;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      all['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${base}${path}`, { method, headers: all, body: payload });
        const set = response.headers.getSetCookie().find((c) => c.startsWith('adieu_session='));
        if (set) {
          const value = set.split(';')[0];
          this.cookie = value === 'adieu_session=' ? null : value;
        }
        const text = await response.text();
        let json: any = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = text;
        }
        if (json && typeof json.csrfToken === 'string') this.csrfToken = json.csrfToken;
        return { status: response.status, body: json };
      } catch (error) {
        // A connection reset under load is the network's, not the app's: retry once.
        if (attempt >= 1) throw error;
        await sleep(200);
      }
    }
  }

  async signIn(base: string, identifier: string, password: string): Promise<void> {
    const answer = await this.request(base, 'POST', '/api/auth/login', { identifier, password });
    if (answer.status !== 200) throw new Error(`sign-in of ${identifier} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

function expectStatus(answer: Answer, status: number, what: string): any {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | null | undefined | false>,
  everyMs = 500,
  diagnose: () => Promise<string> = async () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${await diagnose()}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------

describe.skipIf(!process.env.TEST_DATABASE_URL)('several servers and workers on one PostgreSQL', () => {
  let main: TestDatabase;
  let keys: TestDatabase;
  let dataDir: string;
  let ctx: AppContext;
  let env: Record<string, string>;
  let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
  const procs: Proc[] = [];

  beforeAll(async () => {
    main = await createTestDatabase('postgres');
    keys = await createTestDatabase('postgres');
    // A data folder of its own for every process, as on separate hosts: documents live in the database.
    dataDir = mkdtempSync(join(TMP_ROOT, 'multiprocess-'));
    inbox = await startSmtpInbox();
    env = {
      DATABASE_URL: main.url!,
      ADIEU_KEYSTORE_URL: keys.url!,
      // One KEK for every process: each has a data folder of its own, where a demo KEK would be generated.
      ADIEU_KEK: randomBytes(32).toString('base64'),
      ADIEU_DATA_DIR: dataDir,
      ADIEU_DEV_TOOLS: 'true',
      SMTP_URL: inbox.url,
      LOG_LEVEL: 'warn',
    };
    ctx = await createContext(loadConfig({ env: { ...env } }), { database: main.database, logger: createLogger('silent') });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => stopProc(p)));
    await closeContext(ctx).catch(() => undefined);
    await inbox?.close();
    await keys?.drop();
    await main?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it(`${BUYERS} buyers through 2 servers, erased by 2 workers, one of them killed mid-way`, async () => {
    // --- the people: demo reviewers, and buyers with a month of history (no "new account" flag)
    await seedDemo(ctx);
    const passwordHash = await hashPassword(PASSWORD);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000);
    const buyers: Array<{ i: number; email: string; userId: string }> = [];
    for (let i = 0; i < BUYERS; i++) {
      const email = `mp-buyer-${i}@example.com`;
      const user = await ctx.db.transaction(async (tx) => {
        const row = await insertUser(ctx, tx, { email, password: PASSWORD, passwordHash, displayName: `Buyer ${i}`, createdAt: monthAgo });
        await appendAudit(tx, { at: new Date(), actor: 'system', action: 'account.created', subject: row.subjectId });
        return row;
      });
      buyers.push({ i, email, userId: user.id });
    }

    // --- the processes
    const own = (name: string) => ({ ...env, ADIEU_DATA_DIR: mkdtempSync(join(dataDir, `${name}-`)) });
    const servers = await Promise.all([0, 1].map((n) => spawnAdieu(`server-${n}`, ['serve', '--no-worker', '--port', '0'], own(`server-${n}`), /listening on (http:\/\/\S+)/)));
    procs.push(...servers);
    const workers = await Promise.all([0, 1].map((n) => spawnAdieu(`worker-${n}`, ['worker'], own(`worker-${n}`), /worker started/)));
    procs.push(...workers);
    const base = (n: number) => servers[n % 2].url!;

    // A few sign-ups over HTTP as well, one server each (they carry the new-account risk flag,
    // so their approvals need two different reviewers).
    for (let k = 0; k < 4; k++) {
      const email = `mp-signup-${k}@example.com`;
      const body = expectStatus(
        await new Browser().request(base(k), 'POST', '/api/auth/signup', { email, password: PASSWORD, displayName: `Signup ${k}` }),
        201,
        'signup',
      );
      buyers.push({ i: BUYERS + k, email, userId: body.userId });
    }

    // --- buyers apply concurrently, alternating servers; some withdraw through the other one
    const image = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 220, g: 210, b: 190 } } })
      .jpeg()
      .toBuffer();
    const applicationOf = new Map<string, { i: number; userId: string }>();
    let buyersDone = false;

    const applying = pool(buyers, CONCURRENCY, async ({ i, email, userId }) => {
      const browser = new Browser();
      await browser.signIn(base(i), email, PASSWORD);
      expectStatus(await browser.request(base(i + 1), 'POST', '/api/auth/reauth', { password: PASSWORD }), 200, 'reauth');
      const form = new FormData();
      form.append('kind', 'id_front');
      form.append('file', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'id.jpg');
      const doc = expectStatus(await browser.request(base(i), 'POST', '/api/cancellation/documents', form), 201, 'upload');
      const application = expectStatus(
        await browser.request(
          base(i + 1),
          'POST',
          '/api/cancellation',
          { reasonCode: 'NO_LONGER_USE', documentIds: [doc.documentId], acknowledge: true },
          { 'idempotency-key': `mp-${i}` },
        ),
        201,
        'submit',
      );
      applicationOf.set(application.id, { i, userId });
      if (fateOf(i) === 'withdraw') {
        const answer = await browser.request(base(i), 'POST', '/api/cancellation/withdraw');
        // A reviewer may have decided in between; then the withdrawal still stops it before erasure.
        expect([200]).toContain(answer.status);
      }
    });

    // --- two reviewers, one per server, deciding whatever is in the queue while buyers apply
    const decisions = { approve: 0, reject: 0, conflicts: 0 };
    const review = async (n: number, identifier: string, password: string) => {
      const browser = new Browser();
      await browser.signIn(base(n), identifier, password);
      let idle = 0;
      for (;;) {
        const page = expectStatus(await browser.request(base(n), 'GET', '/api/review/applications'), 200, 'queue');
        const ours = (page.items as Array<{ id: string; claimedBy?: string; claimedByMe?: boolean; needsOtherReviewer?: boolean }>).filter((item) =>
          applicationOf.has(item.id),
        );
        // Leave only when the queue is empty: a case this reviewer approved first waits for the other one.
        if (ours.length > 0) idle = 0;
        else if (buyersDone && ++idle > 6) return;
        const items = ours.filter((item) => !item.needsOtherReviewer && (!item.claimedBy || item.claimedByMe));
        if (items.length === 0) {
          await sleep(300);
          continue;
        }
        idle = 0;
        // Reviewers start from different ends, so they collide now and then, not always.
        const ordered = n === 0 ? items : [...items].reverse();
        for (const item of ordered) {
          const claim = await browser.request(base(n), 'POST', `/api/review/applications/${item.id}/claim`);
          if (claim.status === 409) {
            decisions.conflicts += 1;
            continue;
          }
          expectStatus(claim, 200, 'claim');
          const { i } = applicationOf.get(item.id)!;
          const outcome = fateOf(i) === 'reject' ? { outcome: 'reject', reasonCode: 'ID_UNREADABLE' } : { outcome: 'approve' };
          if (outcome.outcome === 'approve') {
            // A reviewer opens the case's documents before approving (on another server than the claim).
            const detail = await browser.request(base(n + 1), 'GET', `/api/review/applications/${item.id}`);
            for (const document of (detail.body?.documents ?? []) as Array<{ documentId: string }>) {
              await browser.request(base(n + 1), 'GET', `/api/review/applications/${item.id}/documents/${document.documentId}`);
            }
          }
          const decided = await browser.request(base(n), 'POST', `/api/review/applications/${item.id}/decision`, outcome);
          if (decided.status === 409) {
            // Withdrawn meanwhile, or the other reviewer got there first: exactly one decision stands.
            decisions.conflicts += 1;
            continue;
          }
          expectStatus(decided, 200, 'decision');
          decisions[outcome.outcome as 'approve' | 'reject'] += 1;
        }
      }
    };
    const reviewing = Promise.all([review(0, 'reviewer@example.com', 'demo-reviewer-1'), review(1, 'admin@example.com', 'demo-admin-1')]);
    await applying;
    buyersDone = true;
    await reviewing;
    expect(applicationOf.size).toBe(buyers.length);

    const statuses = async () =>
      queryRows<{ status: string; n: number }>(ctx.db, sql`SELECT status, count(*)::int AS n FROM applications GROUP BY status`).then((rows) =>
        Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])),
      );
    const afterReview = await statuses();
    expect(afterReview.submitted ?? 0).toBe(0);
    expect(afterReview.in_review ?? 0).toBe(0);
    const approved = afterReview.grace ?? 0;
    expect(approved).toBeGreaterThan(0);

    // --- the grace period passes on the shared clock; the workers' tick starts the erasures
    expectStatus(await new Browser().request(base(0), 'POST', '/api/dev/clock', { advance: `P${ctx.config.erasure.graceDays + 1}D` }), 200, 'clock');
    const tick = () => ctx.jobs.enqueue(ctx.db, QUEUES.tick.name, {});
    await tick();

    // What is stuck where, when a wait times out: runs, steps, queue, and the workers' last words.
    const diagnose = async () => {
      const q = (text: ReturnType<typeof sql>) => queryRows(ctx.db, text).then((rows) => JSON.stringify(rows));
      return [
        `applications: ${JSON.stringify(await statuses())}`,
        `runs: ${await q(sql`SELECT state, count(*)::int AS n FROM erasure_runs GROUP BY state`)}`,
        `steps: ${await q(sql`SELECT spec->>'kind' AS kind, state, count(*)::int AS n, max(attempts) AS attempts, max(last_error) AS error FROM erasure_steps GROUP BY 1, 2 ORDER BY 1, 2`)}`,
        `jobs: ${await q(sql`SELECT name, state, count(*)::int AS n FROM pgboss.job GROUP BY 1, 2 ORDER BY 1, 2`)}`,
        ...procs.map((p) => `--- ${p.name}\n${p.output().slice(-1500)}`),
      ].join('\n');
    };
    const runStates = async () =>
      queryRows<{ state: string; n: number }>(ctx.db, sql`SELECT state, count(*)::int AS n FROM erasure_runs GROUP BY state`).then((rows) =>
        Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])),
      );
    const stepProgress = async () => {
      const [row] = await queryRows<{ done: number; total: number }>(
        ctx.db,
        sql`SELECT count(*) FILTER (WHERE state = 'done')::int AS done, count(*)::int AS total FROM erasure_steps`,
      );
      return { done: Number(row.done), total: Number(row.total) };
    };
    // Kill one worker once every run has started and a quarter of all their steps are done: the
    // killed worker is then in the middle of some step of some run.
    await waitFor(
      'a quarter of the erasure steps done',
      QUARTER_WAIT_MS,
      async () => {
        const s = await runStates();
        const started = (s.running ?? 0) + (s.completed ?? 0) + (s.failed ?? 0);
        if (started < approved) {
          await tick();
          return false;
        }
        const { done, total } = await stepProgress();
        return done >= total / 4;
      },
      1000,
      diagnose,
    );
    await stopProc(workers[0], 'SIGKILL');
    const restarted = await spawnAdieu('worker-0b', ['worker'], own('worker-0b'), /worker started/);
    procs.push(restarted);

    // A job the killed worker held stays "active" in the queue until it expires; the erasure
    // watchdog re-queues a run that has not moved for 20 minutes of service time. Move the shared
    // clock past that whenever progress stops, and keep the ticks coming as the cron would.
    // (The dev clock needs no session: dev tools are a switch of the deployment, not a role.)
    const advanceClock = async (duration: string) => {
      expectStatus(await new Browser().request(base(1), 'POST', '/api/dev/clock', { advance: duration }), 200, 'clock');
    };
    let lastDone = -1;
    let lastMove = Date.now();
    await waitFor(
      'every erasure completed',
      COMPLETION_WAIT_MS,
      async () => {
        const s = await runStates();
        const failed = s.failed ?? 0;
        if (failed > 0) throw new Error(`${failed} erasure runs failed: ${JSON.stringify(await queryRows(ctx.db, sql`SELECT failure_reason FROM erasure_runs WHERE state = 'failed' LIMIT 3`))}`);
        if ((s.completed ?? 0) === approved) return true;
        const { done } = await stepProgress();
        if (done !== lastDone) {
          lastDone = done;
          lastMove = Date.now();
        } else if (Date.now() - lastMove > 15_000) {
          await advanceClock('PT21M');
          lastMove = Date.now();
        }
        await tick();
        return false;
      },
      2000,
      diagnose,
    );

    // --- every application in exactly one final state
    const apps = await queryRows<{ id: string; user_id: string; status: string; certificate_id: string | null }>(
      ctx.db,
      sql`SELECT id, user_id, status, certificate_id FROM applications`,
    );
    expect(apps.length).toBe(buyers.length);
    for (const app of apps) expect(FINAL).toContain(app.status);
    const byUser = new Map(apps.map((a) => [a.user_id, a]));
    for (const { i, userId } of buyers) {
      const app = byUser.get(userId)!;
      const fate = fateOf(i);
      if (fate === 'reject') expect(app.status, `buyer ${i}`).toBe('rejected');
      else if (fate === 'withdraw') expect(app.status, `buyer ${i}`).toBe('withdrawn');
      else expect(app.status, `buyer ${i}`).toBe('erased');
    }
    // The timeline holds exactly one terminal event per application.
    const terminal = await queryRows<{ id: string; n: number }>(
      ctx.db,
      sql`SELECT a.id, count(e.id) FILTER (WHERE e.event IN ('erased', 'rejected', 'withdrawn'))::int AS n
          FROM applications a LEFT JOIN application_events e ON e.application_id = a.id
          GROUP BY a.id HAVING count(e.id) FILTER (WHERE e.event IN ('erased', 'rejected', 'withdrawn')) <> 1`,
    );
    expect(terminal).toEqual([]);

    // --- every erasure exactly once: one run per erased application, every step done once, one certificate
    const erased = apps.filter((a) => a.status === 'erased');
    expect(erased.length).toBe(approved);
    const runs = await queryRows<{ application_id: string; state: string; certificate_id: string | null; runs: number }>(
      ctx.db,
      sql`SELECT application_id, min(state) AS state, min(certificate_id) AS certificate_id, count(*)::int AS runs FROM erasure_runs GROUP BY application_id`,
    );
    expect(runs.length).toBe(erased.length);
    for (const run of runs) {
      expect(run.runs).toBe(1);
      expect(run.state).toBe('completed');
      expect(run.certificate_id).toBeTruthy();
    }
    const [{ pending }] = await queryRows<{ pending: number }>(ctx.db, sql`SELECT count(*)::int AS pending FROM erasure_steps WHERE state <> 'done'`);
    expect(pending).toBe(0);
    const [{ certificates, runsWithOne }] = await queryRows<{ certificates: number; runsWithOne: number }>(
      ctx.db,
      sql`SELECT count(*)::int AS certificates, count(DISTINCT run_id)::int AS "runsWithOne" FROM deletion_certificates`,
    );
    expect(certificates).toBe(erased.length);
    expect(runsWithOne).toBe(erased.length);
    const completedEntries = await queryRows<{ subject: string; n: number }>(
      ctx.db,
      sql`SELECT subject, count(*)::int AS n FROM audit_log WHERE action = 'erasure.completed' GROUP BY subject`,
    );
    expect(completedEntries.length).toBe(erased.length);
    for (const entry of completedEntries) expect(entry.n).toBe(1);
    // Each certificate is served publicly by either server.
    for (const [k, app] of erased.slice(0, 10).entries()) {
      const cert = expectStatus(await new Browser().request(base(k), 'GET', `/api/certificates/${app.certificate_id}`), 200, 'certificate');
      expect(cert.jws.split('.')).toHaveLength(3);
    }

    // --- the erasures ran on the workers: every erasure job was completed by a worker process
    // (the servers run no jobs: --no-worker, and nothing called /api/dev/jobs/run).
    const [{ stepJobs }] = await queryRows<{ stepJobs: number }>(
      ctx.db,
      sql`SELECT count(*)::int AS "stepJobs" FROM (SELECT state FROM pgboss.job WHERE name = 'erasure.step' UNION ALL SELECT state FROM pgboss.archive WHERE name = 'erasure.step') j WHERE state = 'completed'`,
    );
    expect(stepJobs).toBeGreaterThan(0);

    // --- every erased buyer was told, by mail through SMTP, and no process kept a message on disk
    for (const app of erased) {
      const email = buyers.find((b) => b.userId === app.user_id)!.email;
      expect(inbox.messages.filter((m) => m.to === email).length, email).toBeGreaterThan(0);
    }
    const kept = readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)mailbox\/[^/]+\.json$/.test(f));
    expect(kept).toEqual([]);

    // --- the audit chain is intact after all these concurrent writers
    const verdict = await verifyAuditChain(ctx.db);
    expect(verdict).toMatchObject({ intact: true });
    expect(decisions.approve + decisions.reject).toBeGreaterThan(0);
  }, 1_800_000);
});
