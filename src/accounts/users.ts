import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { newId } from '../ids.ts';
import type { Identifier } from '../domain/identifiers.ts';
import { users, type Role } from './accounts.tables.ts';
import { identifierIndex, sealForUser } from './user-crypto.ts';
import { hashPassword } from './password/password-hasher.ts';
import type { UserRow } from './sessions.ts';
import { canonicalTimeZone } from '../domain/time-zones.ts';

export interface NewUser {
  email?: string | null;
  phone?: string | null;
  /** Absent for buyers who sign in only through the platform's identity provider. */
  password?: string;
  displayName: string | null;
  /** Whether the identifiers were verified (sign-up: proven by the recovery flow; a provider: its claims). */
  emailVerified?: boolean;
  phoneVerified?: boolean;
  roles?: Role[];
  locale?: string;
  /** IANA zone; stored by its canonical name, an unknown one not at all. */
  timeZone?: string;
  /** Precomputed argon2id hash (seeding many users with one password). */
  passwordHash?: string;
  createdAt?: Date;
}

/** Inserts a user with every identifier encrypted under their own key. Caller validated input. */
export async function insertUser(ctx: AppContext, db: Db, input: NewUser): Promise<UserRow> {
  const id = newId('usr');
  const email: Identifier | null = input.email ? { kind: 'email', value: input.email } : null;
  const phone: Identifier | null = input.phone ? { kind: 'phone', value: input.phone } : null;
  // The one place a buyer's key is made (every account is inserted here, or by the seed): sealing
  // for an existing user never mints, so a key lost from the store is an error, not a new key.
  await ctx.keys.createSubjectKey(id);
  const [row] = await db
    .insert(users)
    .values({
      id,
      subjectId: newId('sub'),
      roles: input.roles ?? ['buyer'],
      displayNameEnc: input.displayName ? await sealForUser(ctx, id, 'displayName', input.displayName) : null,
      emailEnc: email ? await sealForUser(ctx, id, 'email', email.value) : null,
      emailIndex: email ? await identifierIndex(ctx, email) : null,
      emailVerified: !!email && (input.emailVerified ?? true),
      phoneEnc: phone ? await sealForUser(ctx, id, 'phone', phone.value) : null,
      phoneIndex: phone ? await identifierIndex(ctx, phone) : null,
      phoneVerified: !!phone && (input.phoneVerified ?? true),
      passwordHash: input.passwordHash ?? (input.password !== undefined ? await hashPassword(input.password) : null),
      locale: input.locale ?? 'en',
      timeZone: input.timeZone ? canonicalTimeZone(input.timeZone) : null,
      createdAt: input.createdAt ?? ctx.clock.now(),
    })
    .returning();
  return row;
}

export async function findUserByIdentifier(ctx: AppContext, identifier: Identifier): Promise<UserRow | null> {
  const index = await identifierIndex(ctx, identifier);
  const column = identifier.kind === 'email' ? users.emailIndex : users.phoneIndex;
  const rows = await ctx.db.select().from(users).where(eq(column, index)).limit(1);
  return rows[0] ?? null;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0] ?? null;
}
