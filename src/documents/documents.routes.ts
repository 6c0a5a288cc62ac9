import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole, requireUser } from '../accounts/request-auth.ts';
import { readUploadForm } from './upload-form.ts';
import { assertUploadAllowed, uploadDocument } from './upload-document.ts';
import { deleteOwnDocument, listOwnDocuments, viewDocumentForReview, viewOwnDocument, type DocumentImage } from './document-views.ts';
import { MAX_FILE_BYTES } from './upload-limits.ts';
import { id } from '../http/params.ts';

// Any string: a malformed id gets the same 404 as an unknown one, not a different error.
const documentParams = z.object({ documentId: id });
const reviewParams = z.object({ id, documentId: id });

/**
 * An identity document as a response: never cached, never sniffed into something else, and if a
 * browser opens it directly, sandboxed with nothing allowed to load or run.
 */
function sendImage(reply: FastifyReply, image: DocumentImage) {
  return reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('content-disposition', 'inline; filename="document.jpg"')
    .header('cross-origin-resource-policy', 'same-origin')
    .type(image.mediaType)
    .send(image.bytes);
}

/** Identity documents: the buyer's upload, preview and removal; the reviewer's audited view. */
export function documentsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Scoped to this plugin: no other route accepts multipart bodies.
    await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1, parts: 10 } });

    app.post('/api/cancellation/documents', { schema: { tags: ['cancellation'], consumes: ['multipart/form-data'] } }, async (request, reply) => {
      const { user } = requireRole(request, 'buyer');
      await assertUploadAllowed(ctx, user);
      const form = await readUploadForm(request);
      return reply.status(201).send(await uploadDocument(ctx, user, form));
    });

    app.get('/api/cancellation/documents', { schema: { tags: ['cancellation'] } }, async (request) => {
      const { user } = requireUser(request);
      return { items: await listOwnDocuments(ctx, user.id) };
    });

    app.get('/api/cancellation/documents/:documentId', { schema: { tags: ['cancellation'], params: documentParams } }, async (request, reply) => {
      const { user } = requireUser(request);
      return sendImage(reply, await viewOwnDocument(ctx, user, request.params.documentId));
    });

    app.delete('/api/cancellation/documents/:documentId', { schema: { tags: ['cancellation'], params: documentParams } }, async (request, reply) => {
      const { user } = requireUser(request);
      await deleteOwnDocument(ctx, user, request.params.documentId);
      return reply.status(204).send();
    });

    app.get('/api/review/applications/:id/documents/:documentId', { schema: { tags: ['review'], params: reviewParams } }, async (request, reply) => {
      const { user } = requireUser(request);
      return sendImage(reply, await viewDocumentForReview(ctx, user, request.params.id, request.params.documentId));
    });
  };
}
