import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { applications } from '../../src/cancellation/cancellation.tables.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { shopOrders, shopShippingAddresses } from '../../src/shop/shop.tables.ts';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import { verifyCertificate } from '../../src/erasure/certificate-verify.ts';
import { queryRows } from '../../src/db/sql.ts';
import { beginErasure, drainJobs, dumpOthers, findAnywhere, giveBuyerEverything, randomTag, subjectOf } from './erasure-fixtures.ts';

describe.each(DATABASE_KINDS)('erasure of a buyer (%s)', (kind) => {
  let t: TestApp;
  let ada: string;
  let ben: string;
  beforeEach(async () => {
    t = await createTestApp(kind, { erasure: { quarantineDays: 30 } });
    await seedDemo(t.ctx);
    ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
  });
  afterEach(() => t.close());

  it('erases every copy, keeps the orders anonymised, leaves others untouched, and certifies it', async () => {
    const ctx = t.ctx;
    const adaTag = randomTag();
    const seeded = await giveBuyerEverything(ctx, ada, adaTag);
    await giveBuyerEverything(ctx, ben, randomTag());
    // A message in the dev mailbox, as earlier notifications would have left.
    await ctx.mailbox.deliver({ to: 'ada@example.com', subject: 'Your request', text: `Hello Ada ${adaTag}`, html: '', channel: 'email' });
    const subject = await subjectOf(ctx, ada);
    const ordersBefore = await ctx.db.select().from(shopOrders).where(eq(shopOrders.buyerId, ada));
    const othersBefore = await dumpOthers(ctx, ada, subject);
    // Ada can sign in before.
    await new Client(t.app).signIn('ada@example.com', DEMO_PASSWORD);

    const runId = await beginErasure(ctx, seeded.applicationId);
    expect(await beginErasure(ctx, seeded.applicationId)).toBe(runId);
    await drainJobs(ctx);

    const [run] = await ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    const steps = await ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId));
    expect(run.failureReason).toBeNull();
    expect(run.state).toBe('completed');
    expect(steps.every((s) => s.state === 'done')).toBe(true);
    expect(run.secretsEnc).toBeNull();
    // VACUUM ran on the touched tables where the database allows it, or was skipped with its reason.
    const vacuums = steps.filter((s) => s.spec.kind === 'vacuum').map((s) => s.result as { vacuumed: string[]; skipped: unknown[] });
    expect(vacuums).toHaveLength(3); // adieu, shop and the demo platform store
    for (const v of vacuums) expect(v.vacuumed.length + v.skipped.length).toBeGreaterThan(0);
    if (kind === 'postgres') expect(vacuums.every((v) => v.skipped.length === 0)).toBe(true);

    // Nothing of Ada anywhere: identifiers, name, addresses, every value seeded for her.
    const needles = ['ada@example.com', '13800000001', 'Ada Lovelace', '88 Huaihai', 'Century Avenue', 'WELCOME20', adaTag, ...seeded.values];
    expect(await findAnywhere(ctx, t.dataDir, needles)).toEqual([]);

    // The tombstone.
    const [tomb] = await ctx.db.select().from(users).where(eq(users.id, ada));
    expect(tomb).toMatchObject({ status: 'erased', subjectId: subject, emailEnc: null, emailIndex: null, phoneEnc: null, phoneIndex: null, displayNameEnc: null, passwordHash: null });
    expect(tomb.erasedAt).toBeInstanceOf(Date);
    expect(await ctx.keys.findSubjectKey(ada)).toBeNull();

    // Retained orders: same rows and amounts, no personal data (the address generalised).
    const ordersAfter = await ctx.db.select().from(shopOrders).where(eq(shopOrders.buyerId, ada));
    expect(ordersAfter.map((o) => [o.id, o.totalMinor, o.currency, o.status]).sort()).toEqual(ordersBefore.map((o) => [o.id, o.totalMinor, o.currency, o.status]).sort());
    const addresses = await ctx.db.select().from(shopShippingAddresses).where(eq(shopShippingAddresses.buyerId, ada));
    expect(addresses.length).toBeGreaterThan(0);
    for (const a of addresses) expect(a).toMatchObject({ name: '(erased)', phone: '(erased)', line1: '(erased)' });
    expect(addresses.map((a) => a.city)).toContain('Shanghai');

    // Other buyers byte for byte.
    expect(await dumpOthers(ctx, ada, subject)).toEqual(othersBefore);

    // The application is erased and carries the certificate; the certificate verifies.
    const [application] = await ctx.db.select().from(applications).where(eq(applications.id, seeded.applicationId));
    expect(application.status).toBe('erased');
    expect(application.certificateId).toBe(run.certificateId);
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    const jwks = (await t.app.inject({ url: '/.well-known/adieu/certificate-keys' })).json();
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String), x: expect.any(String) });
    const verdict = await verifyCertificate(JSON.stringify(certificate), jwks);
    expect(verdict.valid).toBe(true);
    expect(certificate.payload).toMatchObject({ subject, requestId: seeded.applicationId, cryptoShredding: { subjectKey: 'destroyed', documentKeys: 1 } });
    const retainedOrders = certificate.payload.retained.find((r: { table: string }) => r.table === 'shop.orders');
    expect(retainedOrders).toMatchObject({ rows: ordersBefore.length, legalBasis: expect.stringContaining('Art. 31'), period: 'P3Y' });
    expect(JSON.stringify(certificate)).not.toContain('ada@example.com');

    // The audit chain is intact and holds no personal data.
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ intact: true });

    // Ada cannot sign in; her email cannot be registered again during the quarantine.
    const login = await new Client(t.app).post('/api/auth/login', { identifier: 'ada@example.com', password: DEMO_PASSWORD });
    expect(login.statusCode).toBe(401);
    const again = await new Client(t.app).post('/api/auth/signup', { email: 'ada@example.com', password: 'a long enough passphrase', displayName: 'Someone' });
    expect(again.statusCode).toBe(409);
    const [quarantine] = await queryRows<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM erasure_quarantine`);
    expect(quarantine.n).toBe(2);
  });
});
