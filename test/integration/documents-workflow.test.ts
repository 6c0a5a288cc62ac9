import { hasDocumentBytes } from '../helpers/document-bytes.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { documents } from '../../src/documents/documents.tables.ts';
import { auditLog } from '../../src/audit/audit.tables.ts';
import { claim, createBuyer, createWorld, decide, runJobs, signInAgain, signInStaff, submission, type World } from './cancellation-fixtures.ts';
import { advanceClock, phonePhoto, upload } from './documents-fixtures.ts';

/** Documents through the real cancellation and review API: submit, review, reject, resubmit, withdraw. */
describe.each(DATABASE_KINDS)('identity documents in the cancellation workflow (%s)', (kind) => {
  let w: World;
  beforeEach(async () => {
    w = await createWorld(kind);
  });
  afterEach(() => w.close());

  const rows = (ids: string[]) => w.t.ctx.db.select().from(documents).where(inArray(documents.id, ids));
  const onDisk = (storageName: string) => hasDocumentBytes(w.t.ctx, storageName);

  it('reviews, replaces on resubmit and destroys on withdrawal', async () => {
    const buyer = await createBuyer(w.t, 'workflow.buyer@example.com');
    const first = [];
    for (const kind of ['id_front', 'id_back']) {
      const response = await upload(buyer.client, await phonePhoto(), { kind, redactions: [{ x: 0, y: 0, width: 200, height: 100 }] });
      expect(response.statusCode).toBe(201);
      first.push(response.json().documentId as string);
    }
    const submitted = await buyer.client.post('/api/cancellation', submission(first));
    expect(submitted.statusCode).toBe(201);
    const applicationId = submitted.json().id;

    // Not on the application yet: the reviewer sees the same 404 as for nothing.
    const url = (documentId: string) => `/api/review/applications/${applicationId}/documents/${documentId}`;
    expect((await w.reviewer.get(url(first[0]))).statusCode).toBe(404);
    expect((await claim(w.reviewer, applicationId)).statusCode).toBe(200);
    const detail = await w.reviewer.get(`/api/review/applications/${applicationId}`);
    expect(detail.json().documents).toEqual([
      { documentId: first[0], kind: 'id_front' },
      { documentId: first[1], kind: 'id_back' },
    ]);
    const view = await w.reviewer.get(url(first[0]));
    expect(view.statusCode).toBe(200);
    expect(view.headers['content-type']).toBe('image/jpeg');
    expect(await w.t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'document.viewed'))).toHaveLength(1);

    // Rejected, then resubmitted with a new photo: the superseded ones are destroyed.
    const rejected = await decide(w.reviewer, applicationId, { outcome: 'reject', reasonCode: 'ID_UNREADABLE', message: 'The photo is blurred.' });
    expect(rejected.statusCode).toBe(200);
    await advanceClock(w.t, 'P2D');
    await signInAgain(buyer);
    const replacement = (await upload(buyer.client, await phonePhoto())).json().documentId as string;
    const resubmitted = await buyer.client.post('/api/cancellation/resubmit', { documentIds: [replacement] });
    expect(resubmitted.statusCode).toBe(200);
    await runJobs(w.t);
    const old = await rows(first);
    expect(old.every((d) => d.wrappedKey === null && d.destroyReason === 'replaced')).toBe(true);
    for (const d of old) expect(await onDisk(d.storageName)).toBe(false);
    await signInStaff(w.reviewer, 'reviewer@example.com', 'demo-reviewer-1');
    expect((await w.reviewer.get(url(first[0]))).statusCode).toBe(404);

    // Withdrawn: the current document goes too, key and file.
    const withdrawn = await buyer.client.post('/api/cancellation/withdraw', {});
    expect(withdrawn.statusCode).toBe(200);
    await runJobs(w.t);
    const [current] = await rows([replacement]);
    expect(current).toMatchObject({ wrappedKey: null, destroyReason: 'withdrawn' });
    expect(await onDisk(current.storageName)).toBe(false);
    expect((await buyer.client.get(`/api/cancellation/documents/${replacement}`)).statusCode).toBe(404);
  });
});
