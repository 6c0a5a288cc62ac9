import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lintMetrics } from '../helpers/prometheus-lint.ts';
import { listenForMetrics } from '../../src/metrics/install-metrics.ts';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { markDraining } from '../../src/http/readiness.ts';
import { applications, type ApplicationStatus } from '../../src/cancellation/cancellation.tables.ts';

/** `name{labels} value` lines of a Prometheus text exposition. */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe.each(DATABASE_KINDS)('metrics and readiness (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
  });
  afterEach(() => t.close());

  const scrape = async () => {
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it('labels request latency by route pattern, never by raw URL or personal data', async () => {
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    await client.delete('/api/account/sessions/ses_0123456789abcdef');
    await client.get('/api/dev/mailbox?to=ada%40example.com');
    await t.app.inject({ method: 'GET', url: '/api/nothing/ada@example.com/+8613800000001' });
    await new Client(t.app).post('/api/auth/login', { identifier: '+8613800000001', password: 'wrong but long enough' });

    const text = await scrape();
    expect(value(text, 'adieu_http_request_duration_seconds_count', { route: '/api/account/sessions/:id', method: 'DELETE', status_code: '404' })).toBe(1);
    expect(value(text, 'adieu_http_request_duration_seconds_count', { route: '/api/auth/login', method: 'POST', status_code: '200' })).toBe(1);
    expect(value(text, 'adieu_http_request_duration_seconds_count', { route: '/api/auth/login', method: 'POST', status_code: '401' })).toBe(1);
    expect(value(text, 'adieu_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status_code: '404' })).toBe(1);
    expect(value(text, 'adieu_http_request_duration_seconds_bucket', { route: '/api/auth/login', status_code: '200', le: '+Inf' })).toBe(1);
    expect(text).toContain('adieu_process_'); // process metrics too

    for (const sample of samples(text)) {
      for (const label of Object.values(sample.labels)) {
        expect(label).not.toMatch(/@|ses_|usr_|13800000001|%40|\?/);
      }
    }
    expect(text).not.toContain('ada');
  });

  it("names every metric as promtool's rules ask, with one adieu_ prefix", async () => {
    const text = await scrape();
    expect(text).toContain('adieu_process_cpu_seconds_total');
    expect(text).toContain('adieu_nodejs_active_handles');
    expect(lintMetrics(text)).toEqual([]);
    // The rules catch what they should: a gauge named like a counter, a doubled prefix, a counter without _total.
    expect(lintMetrics('# HELP adieu_x_total a\n# TYPE adieu_x_total gauge\nadieu_x_total 1\n')).toHaveLength(1);
    expect(lintMetrics('# HELP adieu_process_process_y a\n# TYPE adieu_process_process_y gauge\nadieu_process_process_y 1\n')).toHaveLength(1);
    expect(lintMetrics('# HELP adieu_z a\n# TYPE adieu_z counter\nadieu_z 1\n')).toHaveLength(1);
    expect(lintMetrics('# HELP adieu_t_milliseconds a\n# TYPE adieu_t_milliseconds gauge\nadieu_t_milliseconds 1\n')).toHaveLength(1);
    // Where Debian's prometheus package is installed, the real promtool agrees.
    if (existsSync('/usr/bin/promtool')) {
      const promtool = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(promtool.stdout + promtool.stderr).toBe('');
      expect(promtool.status).toBe(0);
    }
  });

  it('reports job queue depth and age, applications by status and SLA breaches', async () => {
    let text = await scrape();
    expect(value(text, 'adieu_job_queue_depth', { queue: 'notify' })).toBe(0);
    expect(value(text, 'adieu_job_queue_oldest_age_seconds', { queue: 'notify' })).toBe(0);
    expect(value(text, 'adieu_applications', { status: 'submitted' })).toBe(0);
    expect(value(text, 'adieu_applications_sla_breached')).toBe(0);
    expect(value(text, 'adieu_metrics_database_up')).toBe(1);

    await new Client(t.app).post('/api/auth/password/forgot', { identifier: 'ada@example.com' });
    await new Client(t.app).post('/api/auth/password/forgot', { identifier: 'ben@example.com' });
    await t.ctx.database.executeSql(`UPDATE pgboss.job SET created_on = now() - interval '90 seconds', start_after = now() - interval '90 seconds' WHERE name = 'notify'`);
    text = await scrape();
    expect(value(text, 'adieu_job_queue_depth', { queue: 'notify' })).toBe(2);
    expect(value(text, 'adieu_job_queue_due', { queue: 'notify' })).toBe(2);
    expect(value(text, 'adieu_job_queue_oldest_age_seconds', { queue: 'notify' })).toBeGreaterThanOrEqual(90);
    await t.ctx.jobs.runDue();
    text = await scrape();
    expect(value(text, 'adieu_job_queue_depth', { queue: 'notify' })).toBe(0);
    expect(value(text, 'adieu_job_queue_oldest_age_seconds', { queue: 'notify' })).toBe(0);

    const users = (await t.ctx.database.executeSql(`SELECT id FROM users WHERE 'buyer' = ANY(roles) ORDER BY id LIMIT 3`)) as { rows: Array<{ id: string }> };
    const [a, b, c] = users.rows.map((r) => r.id);
    const day = 86_400_000;
    const at = (days: number) => new Date(Date.now() + days * day);
    const application = (id: string, userId: string, status: ApplicationStatus, submitted: number, due: number, breached: number | null) => ({
      id,
      userId,
      status,
      reasonCode: 'OTHER',
      submittedAt: at(submitted),
      cycleStartedAt: at(submitted),
      dueAt: at(due),
      slaRemindAt: at(due - 2),
      updatedAt: at(0),
      slaBreachedAt: breached === null ? null : at(breached),
    });
    await t.ctx.db.insert(applications).values([
      application('app_1', a, 'submitted', -30, -2, -2),
      application('app_2', b, 'in_review', 0, 20, null),
      application('app_3', c, 'rejected', -40, -10, -10),
    ]);
    text = await scrape();
    expect(value(text, 'adieu_applications', { status: 'submitted' })).toBe(1);
    expect(value(text, 'adieu_applications', { status: 'in_review' })).toBe(1);
    expect(value(text, 'adieu_applications', { status: 'rejected' })).toBe(1);
    expect(value(text, 'adieu_applications', { status: 'erased' })).toBe(0);
    expect(value(text, 'adieu_applications_sla_breached')).toBe(2);
    expect(value(text, 'adieu_applications_sla_breached_open')).toBe(1);
  });

  it('is ready when its dependencies answer, and not when draining or when the database is down', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', database: kind, draining: false, checks: { database: 'ok', keys: 'ok', rateLimiter: 'ok' } });

    markDraining(t.ctx);
    const draining = await t.app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toMatchObject({ status: 'unavailable', draining: true });
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200); // alive, just not taking new work
  });

  it('answers 503, not 500, when the database is gone', async () => {
    await t.ctx.database.close();
    const ready = await t.app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.database).toBe('down');
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json().status).toBe('unavailable');
    const api = await t.app.inject({ method: 'GET', url: '/api/account' });
    expect(api.statusCode).toBe(503);
    expect(api.json().error.code).toBe('SERVICE_UNAVAILABLE');
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(value(text, 'adieu_metrics_database_up')).toBe(0);
  });
});

describe('/metrics off the public listener', () => {
  const TOKEN = 'a-scraper-token-of-32-characters!';
  let t: TestApp;
  afterEach(() => t.close());

  it('with metrics.token, answers only a scraper presenting it as a bearer token', async () => {
    t = await createTestApp('embedded', { metrics: { token: TOKEN } });
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, TOKEN]) {
      const refused = await t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(refused.body).not.toContain('adieu_process');
    }
    const allowed = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('adieu_http_request_duration_seconds');
  });

  it('with metrics.port, serves /metrics only on its own listener', async () => {
    t = await createTestApp('embedded', { metrics: { port: 0 } });
    // The public listener has no /metrics (a GET outside /api gets the web UI's page, when built).
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain('adieu_http_request_duration_seconds');
    await t.app.inject({ method: 'GET', url: '/api/health' });
    const { server, url } = await listenForMetrics(t.app, t.ctx);
    try {
      const response = await fetch(`${url}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('adieu_http_request_duration_seconds_count{route="/api/health",method="GET",status_code="200"} 1');
    } finally {
      await server.close();
    }
  });
});
