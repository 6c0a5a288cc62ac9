import { hasDocumentBytes, storedDocumentNames } from '../helpers/document-bytes.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { auditLog } from '../../src/audit/audit.tables.ts';
import { applications, type ApplicationStatus } from '../../src/cancellation/cancellation.tables.ts';
import { documents } from '../../src/documents/documents.tables.ts';
import { newId } from '../../src/ids.ts';
import { markDocumentsDestroyed } from '../../src/documents/document-disposal.ts';
import { attachDocuments, destroyUserDocuments, listApplicationDocuments, scheduleDocumentDisposal } from '../../src/documents/document-links.ts';
import { advanceClock, phonePhoto, pixels, plainImage, signedInBuyer, upload } from './documents-fixtures.ts';

describe.each(DATABASE_KINDS)('identity documents in review and disposal (%s)', (kind) => {
  let t: TestApp;
  let buyer: { client: Client; userId: string };
  let reviewer: Client;
  let reviewerId: string;

  /** An application row as the workflow would leave it (the workflow itself is tested elsewhere). */
  async function insertApplication(userId: string, status: ApplicationStatus, fields: Partial<typeof applications.$inferInsert> = {}): Promise<string> {
    const now = t.ctx.clock.now();
    const id = newId('app');
    await t.ctx.db.insert(applications).values({
      id,
      userId,
      status,
      reasonCode: 'NO_LONGER_USE',
      submittedAt: now,
      cycleStartedAt: now,
      dueAt: new Date(now.getTime() + 20 * 86_400_000),
      slaRemindAt: new Date(now.getTime() + 15 * 86_400_000),
      updatedAt: now,
      ...fields,
    });
    return id;
  }

  async function uploadMany(client: Client, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const response = await upload(client, await plainImage(300, 200), { kind: i === 0 ? 'id_front' : 'id_back' });
      expect(response.statusCode).toBe(201);
      ids.push(response.json().documentId);
    }
    return ids;
  }

  const attach = (userId: string, applicationId: string, ids: string[]) => t.ctx.db.transaction((tx) => attachDocuments(t.ctx, tx, userId, applicationId, ids));
  const documentRow = async (id: string) => (await t.ctx.db.select().from(documents).where(eq(documents.id, id)))[0];
  const fileExists = (storageName: string) => hasDocumentBytes(t.ctx, storageName);

  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
    buyer = await signedInBuyer(t, 'review.buyer@example.com');
    reviewer = new Client(t.app);
    reviewerId = (await reviewer.signIn('reviewer@example.com', 'demo-reviewer-1')).json().user.id;
  });
  afterEach(() => t.close());

  it('shows the claiming reviewer a watermarked image, audits the view and sends safe headers', async () => {
    const [front] = await uploadMany(buyer.client, 1);
    const applicationId = await insertApplication(buyer.userId, 'in_review', { claimedBy: reviewerId, claimExpiresAt: new Date(t.ctx.clock.now().getTime() + 3_600_000) });
    await attach(buyer.userId, applicationId, [front]);
    expect(await listApplicationDocuments(t.ctx.db, applicationId)).toEqual([{ documentId: front, kind: 'id_front' }]);

    const response = await reviewer.get(`/api/review/applications/${applicationId}/documents/${front}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
    });
    const watermarked = await pixels(response.rawPayload);
    const original = await pixels((await buyer.client.get(`/api/cancellation/documents/${front}`)).rawPayload);
    expect([watermarked.width, watermarked.height]).toEqual([original.width, original.height]);
    let changed = 0;
    for (let y = 0; y < original.height; y += 4) {
      for (let x = 0; x < original.width; x += 4) {
        const a = watermarked.at(x, y);
        const b = original.at(x, y);
        if (Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]) > 30) changed += 1;
      }
    }
    // The mark covers the whole image, not one corner.
    expect(changed).toBeGreaterThan((original.width / 4) * (original.height / 4) * 0.05);
    expect((await sharp(response.rawPayload).metadata()).exif).toBeUndefined();

    const [reviewerRow] = await t.ctx.db.select().from(users).where(eq(users.id, reviewerId));
    const [buyerRow] = await t.ctx.db.select().from(users).where(eq(users.id, buyer.userId));
    const views = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'document.viewed'));
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actor: reviewerRow.subjectId, subject: buyerRow.subjectId, target: front, data: { applicationId } });
    await reviewer.get(`/api/review/applications/${applicationId}/documents/${front}`);
    expect(await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'document.viewed'))).toHaveLength(2);
  });

  it('keeps everyone else out with the same 404 as a document that does not exist', async () => {
    const [front] = await uploadMany(buyer.client, 1);
    const applicationId = await insertApplication(buyer.userId, 'in_review', { claimedBy: reviewerId });
    await attach(buyer.userId, applicationId, [front]);
    const url = `/api/review/applications/${applicationId}/documents/${front}`;
    const missing = await reviewer.get(`/api/review/applications/${applicationId}/documents/doc_nope`);
    expect(missing.statusCode).toBe(404);

    // The owner, another buyer, a reviewer not on the application: all 404, same body.
    const other = await signedInBuyer(t, 'nosy.buyer@example.com');
    const second = await signedInBuyer(t, 'second.reviewer@example.com');
    await t.ctx.db.update(users).set({ roles: ['reviewer'] }).where(eq(users.id, second.userId));
    for (const client of [buyer.client, other.client, second.client]) {
      const response = await client.get(url);
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(missing.body);
    }
    // The right document under another application id is not found either.
    const otherApplication = await insertApplication(other.userId, 'in_review', { claimedBy: reviewerId });
    expect((await reviewer.get(`/api/review/applications/${otherApplication}/documents/${front}`)).body).toBe(missing.body);
    expect((await new Client(t.app).get(url)).statusCode).toBe(401);
    expect(await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'document.viewed'))).toHaveLength(0);

    // An admin may look; so may the reviewer who decided once the claim is gone.
    const admin = new Client(t.app);
    await admin.signIn('admin@example.com', 'demo-admin-1');
    expect((await admin.get(url)).statusCode).toBe(200);
    await t.ctx.db.update(applications).set({ status: 'rejected', claimedBy: null, decidedBy: second.userId, decidedAt: t.ctx.clock.now() }).where(eq(applications.id, applicationId));
    expect((await reviewer.get(url)).statusCode).toBe(404);
    expect((await second.client.get(url)).statusCode).toBe(200);
  });

  it('attaches only the buyer’s own live documents, at most 6, and replaces the old set', async () => {
    const mine = await uploadMany(buyer.client, 3);
    const other = await signedInBuyer(t, 'other@example.com');
    const [theirs] = await uploadMany(other.client, 1);
    const applicationId = await insertApplication(buyer.userId, 'submitted');

    await expect(attach(buyer.userId, applicationId, [mine[0], theirs])).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
    await expect(attach(buyer.userId, applicationId, ['doc_made_up'])).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
    await expect(attach(buyer.userId, applicationId, Array.from({ length: 7 }, (_, i) => `doc_${i}`))).rejects.toMatchObject({ code: 'TOO_MANY_DOCUMENTS' });
    // A failed attach changed nothing.
    expect(await listApplicationDocuments(t.ctx.db, applicationId)).toEqual([]);

    await attach(buyer.userId, applicationId, [mine[0], mine[1]]);
    const secondApplication = await insertApplication(other.userId, 'submitted');
    await expect(attach(other.userId, secondApplication, [mine[0]])).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });

    // Resubmitting with a new set destroys the superseded document, key now and file by job.
    const replaced = await documentRow(mine[1]);
    await attach(buyer.userId, applicationId, [mine[0], mine[2]]);
    expect((await listApplicationDocuments(t.ctx.db, applicationId)).map((d) => d.documentId).sort()).toEqual([mine[0], mine[2]].sort());
    expect(await documentRow(mine[1])).toMatchObject({ wrappedKey: null, destroyReason: 'replaced' });
    await t.ctx.jobs.runDue();
    expect(await fileExists(replaced.storageName)).toBe(false);
    expect((await documentRow(mine[1])).fileRemovedAt).not.toBeNull();
    expect(await fileExists((await documentRow(mine[0])).storageName)).toBe(true);
  });

  it('destroys documents, key and file, when the application is withdrawn', async () => {
    const ids = await uploadMany(buyer.client, 2);
    const applicationId = await insertApplication(buyer.userId, 'in_review', { claimedBy: reviewerId });
    await attach(buyer.userId, applicationId, ids);
    const before = await Promise.all(ids.map(documentRow));
    await t.ctx.db.transaction(async (tx) => {
      await tx.update(applications).set({ status: 'withdrawn' }).where(eq(applications.id, applicationId));
      await scheduleDocumentDisposal(t.ctx, tx, applicationId);
    });
    const run = await t.ctx.jobs.runDue();
    expect(run['documents.dispose']).toMatchObject({ failed: 0 });
    for (const row of before) {
      expect(await fileExists(row.storageName)).toBe(false);
      expect(await documentRow(row.id)).toMatchObject({ wrappedKey: null, destroyReason: 'withdrawn' });
    }
    expect(await storedDocumentNames(t.ctx)).toEqual([]);
    expect(await listApplicationDocuments(t.ctx.db, applicationId)).toEqual([]);
    expect((await reviewer.get(`/api/review/applications/${applicationId}/documents/${ids[0]}`)).statusCode).toBe(404);
    expect((await buyer.client.get(`/api/cancellation/documents/${ids[0]}`)).statusCode).toBe(404);
    const audit = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'document.destroyed'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'system', target: applicationId, data: { reason: 'withdrawn', count: 2 } });
  });

  it('keeps a rejection’s documents for the retention window, then destroys them', async () => {
    const [front] = await uploadMany(buyer.client, 1);
    const applicationId = await insertApplication(buyer.userId, 'rejected', { decidedBy: reviewerId, decidedAt: t.ctx.clock.now() });
    await attach(buyer.userId, applicationId, [front]);
    const { storageName } = await documentRow(front);

    await advanceClock(t, 'P29D');
    await t.ctx.jobs.runDue();
    expect(await fileExists(storageName)).toBe(true);
    expect((await documentRow(front)).destroyedAt).toBeNull();

    await advanceClock(t, 'P1DT1H');
    await t.ctx.jobs.runDue();
    expect(await fileExists(storageName)).toBe(false);
    expect(await documentRow(front)).toMatchObject({ wrappedKey: null, destroyReason: 'rejected' });
  });

  it('keeps a resubmitted application’s documents even when a stale disposal job runs', async () => {
    const [front] = await uploadMany(buyer.client, 1);
    const applicationId = await insertApplication(buyer.userId, 'submitted', { decidedAt: t.ctx.clock.now() });
    await attach(buyer.userId, applicationId, [front]);
    await t.ctx.db.transaction((tx) => scheduleDocumentDisposal(t.ctx, tx, applicationId));
    await advanceClock(t, 'P40D');
    await t.ctx.jobs.runDue();
    expect((await documentRow(front)).destroyedAt).toBeNull();
  });

  it('destroys uploads never submitted after a day', async () => {
    const [kept, stale] = await uploadMany(buyer.client, 2);
    const applicationId = await insertApplication(buyer.userId, 'submitted');
    await attach(buyer.userId, applicationId, [kept]);
    const { storageName } = await documentRow(stale);
    await advanceClock(t, 'PT23H');
    await t.ctx.jobs.runDue();
    expect(await fileExists(storageName)).toBe(true);
    await advanceClock(t, 'PT2H');
    await t.ctx.jobs.runDue();
    expect(await fileExists(storageName)).toBe(false);
    expect(await documentRow(stale)).toMatchObject({ wrappedKey: null, destroyReason: 'unattached' });
    expect((await documentRow(kept)).destroyedAt).toBeNull();
  });

  it('destroys every document of a buyer at erasure, idempotently', async () => {
    const ids = await uploadMany(buyer.client, 3);
    const applicationId = await insertApplication(buyer.userId, 'erasing');
    await attach(buyer.userId, applicationId, ids.slice(0, 2));
    const other = await signedInBuyer(t, 'bystander@example.com');
    const [bystander] = await uploadMany(other.client, 1);
    const rows = await Promise.all(ids.map(documentRow));

    expect(await destroyUserDocuments(t.ctx, buyer.userId)).toBe(3);
    for (const row of rows) expect(await fileExists(row.storageName)).toBe(false);
    const left = await t.ctx.db.select().from(documents).where(and(eq(documents.userId, buyer.userId)));
    expect(left.every((d) => d.wrappedKey === null && d.destroyedAt && d.fileRemovedAt && d.destroyReason === 'erasure')).toBe(true);
    expect(await destroyUserDocuments(t.ctx, buyer.userId)).toBe(0);
    expect(await fileExists((await documentRow(bystander)).storageName)).toBe(true);
  });

  it('finishes a file deletion that a crash interrupted after the key was destroyed', async () => {
    const [id] = await uploadMany(buyer.client, 1);
    const { storageName } = await documentRow(id);
    await t.ctx.db.transaction((tx) => markDocumentsDestroyed(t.ctx, tx, eq(documents.id, id), 'deleted_by_buyer'));
    expect(await fileExists(storageName)).toBe(true);
    await advanceClock(t, 'PT11M');
    await t.ctx.jobs.runDue();
    expect(await fileExists(storageName)).toBe(false);
    expect((await documentRow(id)).fileRemovedAt).not.toBeNull();
  });

  it('serves the buyer a preview of their own redacted upload', async () => {
    const response = await upload(buyer.client, await phonePhoto(), { redactions: [{ x: 0, y: 0, width: 100, height: 100 }] });
    const preview = await buyer.client.get(`/api/cancellation/documents/${response.json().documentId}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    const list = await buyer.client.get('/api/cancellation/documents');
    expect(list.json().items).toEqual([expect.objectContaining({ documentId: response.json().documentId, kind: 'id_front', width: 640, height: 480, applicationId: null })]);
  });
});
