import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { startSmtpInbox } from '../helpers/smtp-inbox.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { erasureRuns } from '../../src/erasure/erasure.tables.ts';
import { verifyCertificate } from '../../src/erasure/certificate-verify.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

const run = promisify(execFile);

/** `adieu verify-certificate`, as a holder would run it: exit code and output. */
async function verifyCli(file: string, keys: string): Promise<{ code: number; out: string }> {
  return run('node', ['bin/adieu.js', 'verify-certificate', file, '--keys', keys], { env: { ...process.env, ADIEU_CONFIG: '' } }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );
}

describe.each(DATABASE_KINDS)('deletion certificates (%s)', (kind) => {
  let t: TestApp;
  let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
  let dir: string;
  beforeEach(async () => {
    inbox = await startSmtpInbox();
    t = await createTestApp(kind, { mail: { smtpUrl: inbox.url } });
    dir = mkdtempSync(join(TMP_ROOT, 'cert-'));
  });
  afterEach(async () => {
    await t.close();
    await inbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is mailed as the very last message, verifies offline, and fails when tampered with', async () => {
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const [erasure] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(erasure.state).toBe('completed');

    // The last mail Ada gets is the certificate, with its public link; nothing comes after it.
    await drainJobs(t.ctx);
    const mails = await inbox.waitFor('ada@example.com');
    const last = mails[mails.length - 1];
    expect(last.subject).toContain(erasure.certificateId!);
    expect(last.text).toContain(`http://adieu.test/certificates/${erasure.certificateId}`);
    expect(last.text).not.toMatch(/Lovelace/);

    const response = await t.app.inject({ url: `/api/certificates/${erasure.certificateId}` });
    expect(response.statusCode).toBe(200);
    const certificate = response.json();
    expect(certificate).toMatchObject({ id: erasure.certificateId, jws: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    const header = JSON.parse(Buffer.from(certificate.jws.split('.')[0], 'base64url').toString());
    const jwks = (await t.app.inject({ url: '/.well-known/adieu/certificate-keys' })).json();
    expect(header).toMatchObject({ alg: 'EdDSA', kid: jwks.keys[0].kid });
    expect(certificate.payload).toMatchObject({
      type: 'adieu.deletion-certificate',
      requestId: applicationId,
      subject: expect.stringMatching(/^sub_/),
      stores: expect.arrayContaining([expect.objectContaining({ store: 'shop' }), expect.objectContaining({ store: 'adieu' })]),
      retained: expect.arrayContaining([expect.objectContaining({ table: 'shop.orders', legalBasis: expect.stringContaining('E-Commerce Law'), purgeAfter: expect.any(String) })]),
      timeline: expect.arrayContaining([expect.objectContaining({ event: 'keys_destroyed' }), expect.objectContaining({ event: 'certificate_issued' })]),
      verification: expect.objectContaining({ hits: 0 }),
    });

    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(jwks));
    const jsonFile = join(dir, 'certificate.json');
    writeFileSync(jsonFile, JSON.stringify(certificate));
    const jwsFile = join(dir, 'certificate.jws');
    writeFileSync(jwsFile, certificate.jws);
    expect(await verifyCli(jsonFile, keysFile)).toMatchObject({ code: 0, out: expect.stringContaining('VALID') });
    expect((await verifyCli(jwsFile, keysFile)).code).toBe(0);

    // Tampered: the readable payload, the signed payload, or checked against another key.
    const edited = structuredClone(certificate);
    edited.payload.stores[0].rows += 1;
    writeFileSync(jsonFile, JSON.stringify(edited));
    expect(await verifyCli(jsonFile, keysFile)).toMatchObject({ code: 1, out: expect.stringContaining('INVALID') });
    const [h, p, s] = certificate.jws.split('.');
    const forged = JSON.parse(Buffer.from(p, 'base64url').toString());
    forged.retained = [];
    writeFileSync(jwsFile, `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`);
    expect((await verifyCli(jwsFile, keysFile)).code).toBe(1);
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    expect((await verifyCertificate(certificate.jws, { keys: [{ ...other, kid: jwks.keys[0].kid, alg: 'EdDSA' }] })).valid).toBe(false);
    expect((await verifyCertificate('not a certificate', jwks)).valid).toBe(false);

    const unknown = await t.app.inject({ url: '/api/certificates/cert_nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CERTIFICATE_NOT_FOUND');
  }, 120_000);
});
