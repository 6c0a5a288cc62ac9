import { randomBytes } from 'node:crypto';
import { isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows } from '../db/sql.ts';
import { deployment } from './deployment.tables.ts';
import type { KeyStore } from './key-store.ts';
import { KekError } from './key-wrapper.ts';

/** The key store's identity record (public): which store it is, and which main database it serves. */
export interface KeyStoreIdentity {
  storeId: string;
  databaseId: string;
  boundAt: string;
  /** A fixed text wrapped by the KEK: opening it proves the configured KEK is the right one. */
  canary: string;
}

const IDENTITY = 'identity';
/** Set once every key stored before envelope encryption has been wrapped. */
const WRAPPED = 'wrapped';
const CANARY_TEXT = Buffer.from('adieu key store');
const CANARY_CONTEXT = 'meta:canary';

/** The key store does not belong with this main database, or the KEK does not open it: start-up stops. */
export class KeyStoreRefusedError extends Error {}

const refuse = (reason: string) => new KeyStoreRefusedError(`key store refused: ${reason}`);

export async function readIdentity(keys: KeyStore): Promise<KeyStoreIdentity | null> {
  const text = await keys.readMeta(IDENTITY);
  return text ? (JSON.parse(text) as KeyStoreIdentity) : null;
}

/** Throws KeyStoreRefusedError when the configured KEK does not open the store's canary. */
export async function checkKek(keys: KeyStore, identity: KeyStoreIdentity): Promise<void> {
  const canary = Buffer.from(identity.canary, 'base64');
  try {
    const opened = await keys.wrapper.unwrap(canary, CANARY_CONTEXT);
    if (!opened.equals(CANARY_TEXT)) throw new KekError('canary differs');
  } catch (error) {
    if (!(error instanceof KekError)) throw error;
    const by = keys.wrapper.wrappedBy(canary) ?? 'an unknown KEK';
    throw refuse(`ADIEU_KEK does not open ${keys.where} (its keys are wrapped by ${by}; this process has ${keys.wrapper.knownIds.join(', ')}); set the KEK this key store was wrapped with`);
  }
}

/** Whether the main database holds any account (by table name: the accounts floor sits above this one). */
async function hasAccounts(db: Db): Promise<boolean> {
  return (await queryRows(db, sql`SELECT 1 FROM users LIMIT 1`)).length > 0;
}

async function mainDatabase(db: Db): Promise<{ databaseId: string; keyStoreId: string | null; hasAccounts: boolean }> {
  await db.insert(deployment).values({ id: 1, databaseId: `db_${randomBytes(8).toString('hex')}` }).onConflictDoNothing();
  const [row] = await db.select().from(deployment);
  return { databaseId: row.databaseId, keyStoreId: row.keyStoreId, hasAccounts: await hasAccounts(db) };
}

/**
 * Why this key store must not be used with this main database, or null when it may. Pure
 * comparison of what both sides recorded; `identity` null is a store without an identity record.
 */
export function bindingProblem(
  main: { databaseId: string; keyStoreId: string | null; hasAccounts: boolean },
  identity: KeyStoreIdentity | null,
  store: { where: string; hasKeys: boolean },
): string | null {
  if (identity) {
    if (identity.databaseId !== main.databaseId) {
      return `${store.where} is key store ${identity.storeId} of main database ${identity.databaseId}, but this main database is ${main.databaseId} (another deployment's keys); point ADIEU_KEYSTORE_URL at this deployment's key store`;
    }
    if (main.keyStoreId && main.keyStoreId !== identity.storeId) {
      return `main database ${main.databaseId} is bound to key store ${main.keyStoreId}, but ${store.where} is key store ${identity.storeId}; point ADIEU_KEYSTORE_URL at key store ${main.keyStoreId}`;
    }
    return null;
  }
  if (main.keyStoreId) {
    return `${store.where} has no keys of this deployment, but main database ${main.databaseId} is bound to key store ${main.keyStoreId}; restore key store ${main.keyStoreId} from its backup (docs/key-management.md): starting would mint new keys and lock every buyer out`;
  }
  if (main.hasAccounts && !store.hasKeys) {
    return `${store.where} is empty, but main database ${main.databaseId} already has accounts (bound to no key store yet); point ADIEU_KEYSTORE_URL at the key store that holds their keys: starting would mint new keys and lock every buyer out`;
  }
  return null;
}

/** The verdict without changing anything (for `adieu doctor`): null when start-up would proceed. */
export async function inspectBinding(db: Db, keys: KeyStore): Promise<{ problem: string | null; databaseId: string | null; storeId: string | null }> {
  const [row] = await db.select().from(deployment);
  const main = { databaseId: row?.databaseId ?? '(none yet)', keyStoreId: row?.keyStoreId ?? null, hasAccounts: await hasAccounts(db) };
  const identity = await readIdentity(keys);
  let problem = bindingProblem(main, identity, { where: keys.where, hasKeys: await keys.hasKeys() });
  if (!problem && identity) {
    problem = await checkKek(keys, identity).then(
      () => null,
      (error: Error) => error.message.replace(/^key store refused: /, ''),
    );
  }
  return { problem, databaseId: row?.databaseId ?? null, storeId: identity?.storeId ?? null };
}

/**
 * Run at every start, after migrations: binds a new key store to the main database (first start),
 * refuses a store that is empty or another deployment's while this one has accounts or a binding,
 * refuses a KEK that does not open the store, and wraps keys stored before wrapping existed.
 * Minting happens only after this passes.
 */
export async function bindKeyStore(db: Db, keys: KeyStore): Promise<{ databaseId: string; storeId: string; wrapped: number }> {
  const main = await mainDatabase(db);
  let identity = await readIdentity(keys);
  const problem = bindingProblem(main, identity, { where: keys.where, hasKeys: await keys.hasKeys() });
  if (problem) throw refuse(problem);
  if (identity) {
    await checkKek(keys, identity);
  } else {
    // First start (or a store from before identities): one identity wins if two processes race.
    const fresh: KeyStoreIdentity = {
      storeId: `ks_${randomBytes(8).toString('hex')}`,
      databaseId: main.databaseId,
      boundAt: new Date().toISOString(),
      canary: (await keys.wrapper.wrap(CANARY_TEXT, CANARY_CONTEXT)).toString('base64'),
    };
    identity = JSON.parse(await keys.writeMeta(IDENTITY, JSON.stringify(fresh), { ifAbsent: true })) as KeyStoreIdentity;
    const again = bindingProblem(main, identity, { where: keys.where, hasKeys: true });
    if (again) throw refuse(again);
    await checkKek(keys, identity);
  }
  if (!main.keyStoreId) {
    await db.update(deployment).set({ keyStoreId: identity.storeId, boundAt: sql`now()` }).where(isNull(deployment.keyStoreId));
    const [row] = await db.select().from(deployment);
    if (row.keyStoreId !== identity.storeId) throw refuse(`main database ${main.databaseId} was bound to key store ${row.keyStoreId} meanwhile, but ${keys.where} is key store ${identity.storeId}`);
  }
  let wrapped = 0;
  if ((await keys.readMeta(WRAPPED)) === null) {
    wrapped = (await keys.rewrapAll({ onlyUnwrapped: true })).rewrapped;
    await keys.writeMeta(WRAPPED, new Date().toISOString());
  }
  return { databaseId: main.databaseId, storeId: identity.storeId, wrapped };
}

/**
 * `adieu keys rewrap`: every key, and the identity's canary, wrapped by the current KEK. Servers
 * keep running when they hold the new KEK with the old one as `keys.previousKek` (docs/key-management.md).
 */
export async function rewrapKeyStore(keys: KeyStore): Promise<{ rewrapped: number; total: number }> {
  const identity = await readIdentity(keys);
  if (!identity) throw refuse(`${keys.where} has no identity yet; start Adieu once before rewrapping`);
  await checkKek(keys, identity);
  const result = await keys.rewrapAll();
  const canary = await keys.wrapper.wrap(await keys.wrapper.unwrap(Buffer.from(identity.canary, 'base64'), CANARY_CONTEXT), CANARY_CONTEXT);
  await keys.writeMeta(IDENTITY, JSON.stringify({ ...identity, canary: canary.toString('base64') }));
  await keys.writeMeta(WRAPPED, new Date().toISOString());
  return result;
}
