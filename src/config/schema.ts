import { z } from 'zod';
import { isStandardSecret, SECRET_RULE } from '../webhooks/standard-webhooks.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/**
 * A receiver's or provider's Standard Webhooks secret, and during a rotation the previous one
 * (both sign deliveries, either is accepted on confirmations). `legacyRawSecret` keeps an old
 * receiver that signs with the raw UTF-8 bytes of a free-form secret working; nothing new uses it.
 */
const signingSecrets = {
  secret: z.string().min(16, 'at least 16 characters'),
  previousSecret: z.string().min(16, 'at least 16 characters').optional(),
  legacyRawSecret: z.boolean().default(false),
};

function checkSecrets(entry: { secret: string; previousSecret?: string; legacyRawSecret: boolean }, context: z.RefinementCtx): void {
  if (entry.legacyRawSecret) return;
  for (const key of ['secret', 'previousSecret'] as const) {
    const value = entry[key];
    if (value !== undefined && !isStandardSecret(value)) context.addIssue({ code: 'custom', path: [key], message: SECRET_RULE });
  }
}

/**
 * An identity provider's URL: https, or plain http on this machine only (tests, `adieu demo-idp`).
 * Tokens fetched over plain http elsewhere could be read and changed on the way.
 */
const providerUrl = z
  .string()
  .url()
  .refine((raw) => {
    const url = new URL(raw);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  }, 'expected an https URL (plain http only on 127.0.0.1 or localhost)');

/** 32 random bytes in base64; the message never repeats the value (it is a secret). */
const kekSchema = z
  .string()
  .refine((value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value.trim()) && Buffer.from(value.trim(), 'base64').length === 32, 'expected 32 random bytes in base64 (openssl rand -base64 32)');

/** Signature algorithms accepted from an identity provider: asymmetric only (never none, never HS*). */
export const IDENTITY_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/** Every configuration key Adieu knows. Unknown keys are refused (strict objects). */
export const configSchema = z
  .object({
    http: z
      .object({
        port: z.coerce.number().int().min(0).max(65535).default(3000),
        host: z.string().min(1).default('127.0.0.1'),
        /** On SIGTERM, how long in-flight requests and jobs may take before the process exits anyway. */
        shutdownTimeoutSeconds: z.number().int().min(1).max(600).default(30),
        /**
         * Behind a load balancer: which proxies to believe about the client address (rate limits
         * count per address). false (direct), true (any), or addresses/CIDRs "10.0.0.0/8,127.0.0.1".
         */
        trustProxy: z.union([z.boolean(), z.string().min(1)]).default(false),
      })
      .strict()
      .default({ port: 3000, host: '127.0.0.1', shutdownTimeoutSeconds: 30, trustProxy: false }),
    dataDir: z.string().min(1).default('./data'),
    database: z.object({ url: z.string().url().optional() }).strict().default({}),
    keys: z
      .object({
        url: z.string().min(1).optional(),
        /** The key-encryption key (KEK) that wraps every key of the key store; in neither database. */
        kek: kekSchema.optional(),
        /** During `adieu keys rewrap`: the KEK the keys are still wrapped with. */
        previousKek: kekSchema.optional(),
      })
      .strict()
      .default({}),
    redis: z
      .object({
        url: z.string().url().optional(),
        /** Prefix of every key Adieu writes, so several deployments can share one Redis. */
        keyPrefix: z.string().max(100).default('adieu:'),
      })
      .strict()
      .default({ keyPrefix: 'adieu:' }),
    demo: z.boolean().default(false),
    devTools: z.boolean().default(false),
    mail: z
      .object({
        smtpUrl: z.string().url().optional(),
        from: z.string().min(3).default('Adieu <no-reply@adieu.local>'),
      })
      .strict()
      .default({ from: 'Adieu <no-reply@adieu.local>' }),
    /**
     * Where text messages go: the dev mailbox (demo and development), or the platform's SMS gateway
     * as a POST of `{ to, text, locale, template }` signed as a Standard Webhook with `secret`
     * (and `previousSecret` during a rotation).
     */
    sms: z
      .discriminatedUnion('provider', [
        z.object({ provider: z.literal('mailbox') }).strict(),
        z
          .object({
            provider: z.literal('http'),
            url: z.string().url(),
            ...signingSecrets,
            timeoutMs: z.number().int().min(100).max(30000).default(5000),
          })
          .strict()
          .superRefine(checkSecrets),
      ])
      .default({ provider: 'mailbox' }),
    publicUrl: z.string().url().optional(),
    /** Lets a publicUrl on localhost be plain http in production (a local trial); never for a real host. */
    allowInsecurePublicUrl: z.boolean().default(false),
    review: z
      .object({
        slaWorkingDays: z.number().int().min(1).max(60).default(15),
        claimLeaseMinutes: z.number().int().min(1).max(480).default(30),
      })
      .strict()
      .default({ slaWorkingDays: 15, claimLeaseMinutes: 30 }),
    erasure: z
      .object({
        graceDays: z.number().int().min(0).max(30).default(7),
        quarantineDays: z.number().int().min(0).max(365).default(0),
        /** Connection URLs of the platform's own databases that the data map names (`database: { config: NAME }`). */
        stores: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.object({ url: z.string().url() }).strict()).default({}),
        /** The data map folder (`*.yaml`); default: the reviewed map shipped in `datamap/`. */
        datamapDir: z.string().min(1).optional(),
        /** How long a step may fail before the run is marked failed for an admin. */
        stepAttempts: z.number().int().min(1).max(20).default(6),
        /** How long downstream receivers are retried before they need an admin (Standard Webhooks: up to 72 h). */
        webhookRetryHours: z.number().int().min(1).max(168).default(72),
        /** Per-attempt timeout of a webhook delivery. */
        webhookTimeoutMs: z.number().int().min(100).max(60000).default(10000),
        /**
         * Which rows of subject-linked tables the verification scan reads: the subject's own, by
         * index (cost follows the buyer's data), or every row (cost follows the platform's data).
         */
        verifyScope: z.enum(['subject', 'everything']).default('subject'),
        /**
         * How far the scrub after the data steps goes on PostgreSQL stores: nothing, VACUUM (dead
         * row versions become reusable space), or VACUUM FULL (tables rewritten; locks each table
         * while it runs). The embedded database always gets the full scrub, WAL included.
         */
        scrub: z.enum(['none', 'vacuum', 'vacuum-full']).default('vacuum'),
      })
      .strict()
      .default({ graceDays: 7, quarantineDays: 0, stores: {}, stepAttempts: 6, webhookRetryHours: 72, webhookTimeoutMs: 10000, verifyScope: 'subject', scrub: 'vacuum' }),
    documents: z
      .object({ retainDaysAfterDecision: z.number().int().min(0).max(365).default(30) })
      .strict()
      .default({ retainDaysAfterDecision: 30 }),
    calendar: z
      .object({
        region: z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code').default('CN'),
        holidays: z.array(isoDate).default([]),
        workdays: z.array(isoDate).default([]),
        /** IANA zone the working days are counted in; default: the region's main zone (CN: Asia/Shanghai). */
        timeZone: z
          .string()
          .refine((zone) => {
            try {
              new Intl.DateTimeFormat('en', { timeZone: zone });
              return true;
            } catch {
              return false;
            }
          }, 'expected an IANA time zone such as Asia/Shanghai')
          .optional(),
      })
      .strict()
      .default({ region: 'CN', holidays: [], workdays: [] }),
    webhooks: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _'),
            url: z.string().url(),
            ...signingSecrets,
          })
          .strict()
          .superRefine(checkSecrets),
      )
      .default([]),
    eligibility: z
      .object({
        providers: z
          .array(
            z
              .object({
                name: z.string().min(1),
                url: z.string().url(),
                ...signingSecrets,
                timeoutMs: z.number().int().min(100).max(30000).default(3000),
              })
              .strict()
              .superRefine(checkSecrets),
          )
          .default([]),
      })
      .strict()
      .default({ providers: [] }),
    identity: z
      .object({
        /** Adieu's own email/phone + password accounts for buyers. */
        local: z.boolean().default(true),
        /** The platform's OpenID Provider (relying party: code flow with PKCE). */
        oidc: z
          .object({
            issuer: providerUrl,
            clientId: z.string().min(1).max(200),
            clientSecret: z.string().min(1).max(500).optional(),
            scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope token')).refine((scopes) => scopes.includes('openid'), 'must include openid')
              .default(['openid', 'email', 'phone', 'profile']),
            /** Shown on the sign-in button: "Sign in with {label}". */
            label: z.string().min(1).max(60).default('your platform account'),
            /** The ID token algorithm registered for this client (OpenID Connect default RS256). */
            idTokenAlg: z.enum(IDENTITY_ALGORITHMS).default('RS256'),
          })
          .strict()
          .optional(),
        /** The platform's backend hands a signed-in buyer over with a short-lived signed JWT. */
        handoff: z
          .object({
            issuer: z.string().min(1).max(500),
            audience: z.string().min(1).max(500),
            jwksUrl: providerUrl,
          })
          .strict()
          .optional(),
      })
      .strict()
      .refine((identity) => identity.local || identity.oidc || identity.handoff, 'local is false, so set identity.oidc or identity.handoff (else no buyer can sign in)')
      .default({ local: true }),
    /**
     * Who may read `/metrics`: with `token`, only requests carrying `Authorization: Bearer <token>`;
     * with `port`, only a separate listener on that port (on `host`, default `http.host`), never the
     * public one. Both may be set.
     */
    metrics: z
      .object({
        token: z.string().min(24, 'at least 24 characters (e.g. openssl rand -base64 32)').max(500).optional(),
        port: z.coerce.number().int().min(0).max(65535).optional(),
        host: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/** The validated configuration, with derived values filled in. */
export type Config = Omit<Parsed, 'publicUrl'> & {
  publicUrl: string;
  /** Whether publicUrl was configured (false: derived from http.host and http.port). */
  publicUrlSet: boolean;
  production: boolean;
};
