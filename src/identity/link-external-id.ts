import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { parseIdentifier } from '../domain/identifiers.ts';
import { users, type Role } from '../accounts/accounts.tables.ts';
import { identifierIndex } from '../accounts/user-crypto.ts';
import { isHashQuarantined } from '../accounts/quarantine.ts';
import { quarantineHash } from '../accounts/quarantine-hash.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { externalIdentities } from './identity.tables.ts';
import { sealExternalId } from './external-id.ts';
import { subjectIndex } from './external-buyer.ts';

/** The issuer a platform-given id belongs to: the handoff's, else the OpenID Provider's. */
export function platformIssuer(ctx: AppContext): string | null {
  return ctx.config.identity.handoff?.issuer ?? ctx.config.identity.oidc?.issuer ?? null;
}

/**
 * The platform names a local buyer (found by email or phone) by its own id, so its services and
 * tables can be reached during erasure. Idempotent for the same pair; an id held by another buyer,
 * or a buyer who already has another id of this issuer, is refused. Audited, without the id.
 */
export async function linkExternalId(ctx: AppContext, actor: { subjectId: string }, rawIdentifier: string, externalId: string): Promise<{ userId: string; created: boolean }> {
  const issuer = platformIssuer(ctx);
  if (!issuer) throw new AppError('PLATFORM_IDENTITY_MISSING');
  const identifier = parseIdentifier(rawIdentifier);
  if (!identifier) throw new AppError('IDENTIFIER_INVALID');
  const column = identifier.kind === 'email' ? users.emailIndex : users.phoneIndex;
  const [user] = await ctx.db.select().from(users).where(eq(column, await identifierIndex(ctx, identifier))).limit(1);
  if (!user || !user.roles.includes('buyer' as Role)) throw new AppError('ACCOUNT_NOT_FOUND');
  if (user.status === 'erased') throw new AppError('ACCOUNT_FROZEN');
  const index = await subjectIndex(ctx, issuer, externalId);

  const [holder] = await ctx.db.select().from(externalIdentities).where(eq(externalIdentities.subjectIndex, index)).limit(1);
  if (holder) {
    if (holder.userId !== user.id) throw new AppError('EXTERNAL_ID_TAKEN');
    return { userId: user.id, created: false };
  }
  const [other] = await ctx.db
    .select({ id: externalIdentities.id })
    .from(externalIdentities)
    .where(and(eq(externalIdentities.userId, user.id), eq(externalIdentities.issuer, issuer)))
    .limit(1);
  if (other) throw new AppError('EXTERNAL_ID_TAKEN');
  if (ctx.config.erasure.quarantineDays > 0 && (await isHashQuarantined(ctx, await quarantineHash(ctx, 'external', index)))) {
    throw new AppError('IDENTITY_QUARANTINED');
  }
  const now = ctx.clock.now();
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(externalIdentities).values({
        id: newId('xid'),
        userId: user.id,
        issuer,
        subjectIndex: index,
        externalIdEnc: await sealExternalId(ctx, user.id, externalId),
        method: 'admin',
        createdAt: now,
        lastSignInAt: now,
      });
      await appendAudit(tx, { at: now, actor: actor.subjectId, action: 'identity.linked', subject: user.subjectId, data: { method: 'admin' } });
    });
  } catch (error) {
    if (isUniqueViolation(error, 'external_identities_subject_index_unique')) throw new AppError('EXTERNAL_ID_TAKEN');
    throw error;
  }
  return { userId: user.id, created: true };
}
