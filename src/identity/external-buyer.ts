import { and, eq, ne } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { blindIndex } from '../keys/field-cipher.ts';
import { normaliseEmail, normalisePhone, type Identifier } from '../domain/identifiers.ts';
import { users } from '../accounts/accounts.tables.ts';
import { findUserById, insertUser } from '../accounts/users.ts';
import { identifierIndex, sealForUser } from '../accounts/user-crypto.ts';
import { createSession, csrfTokenFor, type UserRow } from '../accounts/sessions.ts';
import type { SignInResult } from '../accounts/sign-in.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { isHashQuarantined, isQuarantined } from '../accounts/quarantine.ts';
import { quarantineHash } from '../accounts/quarantine-hash.ts';
import { externalIdentities, externalSessions, type ExternalMethod } from './identity.tables.ts';

/** What a provider or a handoff token says about the buyer (already verified). */
export interface ExternalClaims {
  method: ExternalMethod;
  issuer: string;
  sub: string;
  email?: unknown;
  emailVerified?: unknown;
  phone?: unknown;
  phoneVerified?: unknown;
  name?: unknown;
  /** The provider's session id (OpenID Connect `sid`), for back-channel logout. */
  sid?: unknown;
}

export interface SignInOptions {
  userAgent?: string;
  /** A fresh authentication at the provider: the session starts with the 10-minute step-up. */
  reauthenticated?: boolean;
}

/** Keyed blind index of (issuer, sub): the link is found again, the sub is never stored. */
export async function subjectIndex(ctx: AppContext, issuer: string, sub: string): Promise<string> {
  return blindIndex(await ctx.keys.serviceSecret('blind-index'), `external:${issuer}\n${sub}`);
}

export async function sidIndex(ctx: AppContext, issuer: string, sid: string): Promise<string> {
  return blindIndex(await ctx.keys.serviceSecret('blind-index'), `sid:${issuer}\n${sid}`);
}

const text = (value: unknown, max: number) => (typeof value === 'string' && value.trim() && value.length <= max ? value.trim() : null);

/**
 * The identifiers a provider asserts as verified, normalised like sign-up's. Unverified ones and
 * junk are left out: an address nobody proved would otherwise squat its unique index here (and
 * receive this account's mail).
 */
function identifiersOf(claims: ExternalClaims) {
  const email = typeof claims.email === 'string' && claims.emailVerified === true ? normaliseEmail(claims.email) : null;
  const phone = typeof claims.phone === 'string' && claims.phoneVerified === true ? normalisePhone(claims.phone.replace(/[\s().-]/g, '')) : null;
  return {
    email: email ? ({ kind: 'email', value: email, verified: true } as const) : null,
    phone: phone ? ({ kind: 'phone', value: phone, verified: true } as const) : null,
    name: text(claims.name, 80),
  };
}

/** The user (other than `exceptUserId`) whose blind index holds this identifier. */
async function holderOf(ctx: AppContext, db: Db, identifier: Identifier, exceptUserId?: string): Promise<UserRow | null> {
  const index = await identifierIndex(ctx, identifier);
  const column = identifier.kind === 'email' ? users.emailIndex : users.phoneIndex;
  const rows = await db
    .select()
    .from(users)
    .where(exceptUserId ? and(eq(column, index), ne(users.id, exceptUserId)) : eq(column, index))
    .limit(1);
  return rows[0] ?? null;
}

/** Later sign-ins refresh the identifiers the provider asserts (one held by another account is skipped). */
async function refreshIdentifiers(ctx: AppContext, db: Db, user: UserRow, claims: ExternalClaims): Promise<void> {
  const { email, phone, name } = identifiersOf(claims);
  const changes: Partial<typeof users.$inferInsert> = {};
  for (const identifier of [email, phone]) {
    if (!identifier) continue;
    const index = await identifierIndex(ctx, identifier);
    const current = identifier.kind === 'email' ? user.emailIndex : user.phoneIndex;
    const verified = identifier.kind === 'email' ? user.emailVerified : user.phoneVerified;
    if (current === index && verified === identifier.verified) continue;
    if (current !== index && (await holderOf(ctx, db, identifier, user.id))) continue;
    if (identifier.kind === 'email') {
      Object.assign(changes, { emailEnc: await sealForUser(ctx, user.id, 'email', identifier.value), emailIndex: index, emailVerified: identifier.verified });
    } else {
      Object.assign(changes, { phoneEnc: await sealForUser(ctx, user.id, 'phone', identifier.value), phoneIndex: index, phoneVerified: identifier.verified });
    }
    // A changed contact is a risk signal for review, as when a buyer changes it here.
    if (current !== index && current !== null) changes.contactChangedAt = ctx.clock.now();
  }
  if (name) changes.displayNameEnc = await sealForUser(ctx, user.id, 'displayName', name);
  if (Object.keys(changes).length > 0) await db.update(users).set(changes).where(eq(users.id, user.id));
}

async function startSession(ctx: AppContext, db: Db, user: UserRow, claims: ExternalClaims, options: SignInOptions) {
  const created = await createSession(ctx, db, user.id, options.userAgent, { reauthenticated: options.reauthenticated });
  const sid = text(claims.sid, 500);
  if (sid) await db.insert(externalSessions).values({ sessionId: created.session.id, sidIndex: await sidIndex(ctx, claims.issuer, sid) });
  await appendAudit(db, {
    at: ctx.clock.now(),
    actor: user.subjectId,
    action: 'auth.signed_in',
    subject: user.subjectId,
    target: created.session.id,
    data: { method: claims.method },
  });
  return created;
}

/** The result of an external sign-in: a session, or a local account that must be linked first. */
export type ExternalSignIn = { kind: 'signed_in'; result: SignInResult } | { kind: 'link_required'; localUserId: string; claims: ExternalClaims };

/**
 * Signs in the buyer linked to (issuer, sub), creating the buyer on first sign-in. A local account
 * holding the same verified email is never merged silently: the caller asks for its password once.
 */
export async function signInExternal(ctx: AppContext, claims: ExternalClaims, options: SignInOptions = {}): Promise<ExternalSignIn> {
  try {
    return await signInOnce(ctx, claims, options);
  } catch (error) {
    // Two first sign-ins racing for one (issuer, sub): the unique index lets one create the buyer;
    // the other finds it.
    if (isUniqueViolation(error, 'external_identities_subject_index_unique')) return signInOnce(ctx, claims, options);
    throw error;
  }
}

async function signInOnce(ctx: AppContext, claims: ExternalClaims, options: SignInOptions): Promise<ExternalSignIn> {
  const index = await subjectIndex(ctx, claims.issuer, claims.sub);
  const now = ctx.clock.now();
  const [linked] = await ctx.db
    .select({ user: users, linkId: externalIdentities.id })
    .from(externalIdentities)
    .innerJoin(users, eq(users.id, externalIdentities.userId))
    .where(eq(externalIdentities.subjectIndex, index))
    .limit(1);

  if (linked) {
    if (linked.user.status === 'erased') throw new AppError('ACCOUNT_FROZEN');
    const created = await ctx.db.transaction(async (tx) => {
      await refreshIdentifiers(ctx, tx, linked.user, claims);
      await tx.update(externalIdentities).set({ lastSignInAt: now }).where(eq(externalIdentities.id, linked.linkId));
      return startSession(ctx, tx, linked.user, claims, options);
    });
    return { kind: 'signed_in', result: { ...created, user: linked.user, csrfToken: await csrfTokenFor(ctx, created.session.id) } };
  }

  if (await isQuarantinedLink(ctx, index)) throw new AppError('IDENTITY_QUARANTINED');
  const { email, phone, name } = identifiersOf(claims);
  const emailHolder = email ? await holderOf(ctx, ctx.db, email) : null;
  if (emailHolder?.passwordHash && emailHolder.status !== 'erased') {
    return { kind: 'link_required', localUserId: emailHolder.id, claims };
  }
  const phoneHolder = phone ? await holderOf(ctx, ctx.db, phone) : null;
  // An identifier another account holds, or one an erased account left in quarantine, is left
  // out: the provider's word neither moves it nor brings it back early.
  const usable = async (identifier: Identifier | null, holder: UserRow | null) => !!identifier && !holder && !(await isQuarantined(ctx, identifier));
  const [emailUsable, phoneUsable] = await Promise.all([usable(email, emailHolder), usable(phone, phoneHolder)]);
  const created = await ctx.db.transaction(async (tx) => {
    const user = await insertUser(ctx, tx, {
      email: emailUsable ? email!.value : null,
      emailVerified: email?.verified,
      phone: phoneUsable ? phone!.value : null,
      phoneVerified: phone?.verified,
      displayName: name,
      createdAt: now,
    });
    await tx.insert(externalIdentities).values({ id: newId('xid'), userId: user.id, issuer: claims.issuer, subjectIndex: index, method: claims.method, createdAt: now, lastSignInAt: now });
    await appendAudit(tx, { at: now, actor: user.subjectId, action: 'account.created', subject: user.subjectId, data: { method: claims.method } });
    const session = await startSession(ctx, tx, user, claims, options);
    return { ...session, user };
  });
  return { kind: 'signed_in', result: { ...created, csrfToken: await csrfTokenFor(ctx, created.session.id) } };
}

/**
 * Links (issuer, sub) to an existing local account once its password was given, then signs in.
 * The caller checked the password.
 */
export async function linkAndSignIn(ctx: AppContext, localUser: UserRow, claims: ExternalClaims, options: SignInOptions = {}): Promise<SignInResult> {
  const index = await subjectIndex(ctx, claims.issuer, claims.sub);
  const now = ctx.clock.now();
  const created = await ctx.db.transaction(async (tx) => {
    await tx.insert(externalIdentities).values({ id: newId('xid'), userId: localUser.id, issuer: claims.issuer, subjectIndex: index, method: claims.method, createdAt: now, lastSignInAt: now });
    await appendAudit(tx, { at: now, actor: localUser.subjectId, action: 'identity.linked', subject: localUser.subjectId, data: { method: claims.method } });
    await refreshIdentifiers(ctx, tx, localUser, claims);
    return startSession(ctx, tx, localUser, claims, options);
  });
  const user = (await findUserById(ctx.db, localUser.id)) ?? localUser;
  return { ...created, user, csrfToken: await csrfTokenFor(ctx, created.session.id) };
}

/** The user linked to (issuer, sub), or null. */
export async function findLinkedUser(ctx: AppContext, issuer: string, sub: string): Promise<UserRow | null> {
  const [row] = await ctx.db
    .select({ user: users })
    .from(externalIdentities)
    .innerJoin(users, eq(users.id, externalIdentities.userId))
    .where(eq(externalIdentities.subjectIndex, await subjectIndex(ctx, issuer, sub)))
    .limit(1);
  return row?.user ?? null;
}

/** Whether the user has any link to a provider (step-up then goes through the provider). */
export async function hasExternalIdentity(ctx: AppContext, userId: string): Promise<boolean> {
  const rows = await ctx.db.select({ id: externalIdentities.id }).from(externalIdentities).where(eq(externalIdentities.userId, userId)).limit(1);
  return rows.length > 0;
}

async function isQuarantinedLink(ctx: AppContext, index: string): Promise<boolean> {
  return ctx.config.erasure.quarantineDays > 0 && isHashQuarantined(ctx, await quarantineHash(ctx, 'external', index));
}
