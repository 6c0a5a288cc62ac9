import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export type Role = 'buyer' | 'reviewer' | 'admin';
export type UserStatus = 'active' | 'frozen' | 'erased';

/**
 * Accounts. Identifiers, names and the anti-phishing code are encrypted with the buyer's own key
 * (`*_enc`); lookups go through keyed blind indexes (`*_index`). `subject_id` is the pseudonymous id
 * used by the audit log and certificates.
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id').notNull().unique(),
    status: text('status').$type<UserStatus>().notNull().default('active'),
    roles: text('roles').array().$type<Role[]>().notNull(),
    displayNameEnc: text('display_name_enc'),
    emailEnc: text('email_enc'),
    emailIndex: text('email_index'),
    emailVerified: boolean('email_verified').notNull().default(false),
    phoneEnc: text('phone_enc'),
    phoneIndex: text('phone_index'),
    phoneVerified: boolean('phone_verified').notNull().default(false),
    passwordHash: text('password_hash'),
    totpSecretEnc: text('totp_secret_enc'),
    totpEnabled: boolean('totp_enabled').notNull().default(false),
    totpLastStep: integer('totp_last_step'),
    antiPhishingEnc: text('anti_phishing_enc'),
    locale: text('locale').notNull().default('en'),
    /** IANA zone the buyer reads dates in (set from the browser); null: the platform's zone. */
    timeZone: text('time_zone'),
    contactChangedAt: timestamp('contact_changed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('users_email_index_uq').on(t.emailIndex), uniqueIndex('users_phone_index_uq').on(t.phoneIndex)],
);

/** Sessions: only sha256 of the cookie token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    reauthenticatedUntil: timestamp('reauthenticated_until', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Password-recovery tokens (email link) and codes (SMS), stored hashed, single use. */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    /** The token itself, under the user's key, so the mail job can send it without carrying it. */
    tokenEnc: text('token_enc').notNull(),
    channel: text('channel').$type<'email' | 'sms'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('password_resets_user_idx').on(t.userId)],
);

/** TOTP recovery codes, hashed; each works once. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

/** Failed sign-ins, for the risk flags of review ("many failed sign-ins"). */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sign_in_failures_user_idx').on(t.userId, t.at)],
);

/**
 * Identifiers of erased accounts barred from re-registration for `erasure.quarantineDays`: only a
 * keyed hash (its own secret, unrelated to the blind index), never the identifier.
 */
export const erasureQuarantine = pgTable(
  'erasure_quarantine',
  {
    identifierHash: text('identifier_hash').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('erasure_quarantine_expires_idx').on(t.expiresAt)],
);
