import { createHmac } from 'node:crypto';
import type { AppContext } from '../context.ts';

/**
 * How a deletion certificate names the platform's id of the buyer: HMAC-SHA256 under a secret of
 * this deployment (its own, not the blind index's or the quarantine's), as `hmac-sha256:<base64url>`.
 * Whoever holds the deployment's secrets can answer "was this id erased, and by which
 * certificate?"; a reader of the certificate alone learns nothing, even of a numeric id.
 */
export async function certificateExternalIdHash(ctx: AppContext, externalId: string): Promise<string> {
  const mac = createHmac('sha256', await ctx.keys.serviceSecret('certificate-external-id')).update(`external_id:${externalId}`).digest('base64url');
  return `hmac-sha256:${mac}`;
}
