import { index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { sessions, users } from '../accounts/accounts.tables.ts';

/** How the link was made: at sign-in through the platform, or by the platform for a local account. */
export type ExternalMethod = 'oidc' | 'handoff' | 'admin';

/**
 * Buyers linked to an account of the platform: one row per (issuer, `sub`), `sub` being the
 * platform's own id of the buyer (`externalId`). Found by a keyed blind index of issuer and sub
 * (unique: one buyer per id of an issuer); the id itself is kept only sealed under the buyer's key,
 * so it can be told to the platform's services during erasure and is crypto-shredded with the key.
 */
export const externalIdentities = pgTable(
  'external_identities',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The provider's issuer identifier (the platform's, not the buyer's). */
    issuer: text('issuer').notNull(),
    subjectIndex: text('subject_index').notNull().unique(),
    /** The platform's id of the buyer, sealed under the buyer's key (null on links made before it was kept). */
    externalIdEnc: text('external_id_enc'),
    method: text('method').$type<ExternalMethod>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('external_identities_user_idx').on(t.userId)],
);

/**
 * Sessions started through the provider, with the provider's session id (`sid`, keyed hash), so a
 * back-channel logout token that names only `sid` ends exactly those sessions.
 */
export const externalSessions = pgTable(
  'external_sessions',
  {
    sessionId: text('session_id')
      .primaryKey()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    sidIndex: text('sid_index').notNull(),
  },
  (t) => [index('external_sessions_sid_idx').on(t.sidIndex)],
);

/**
 * Single-use token ids (`jti`) of handoff and logout tokens, kept until the token expires, so a
 * token replayed to any server is refused. Random ids of the platform: no personal data.
 */
export const usedTokenIds = pgTable(
  'used_token_ids',
  {
    issuer: text('issuer').notNull(),
    jti: text('jti').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.jti] }), index('used_token_ids_expires_idx').on(t.expiresAt)],
);
