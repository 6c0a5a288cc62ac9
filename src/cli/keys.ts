import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { closeContext } from '../app/create-context.ts';
import { openConfiguredKeyStore } from '../keys/open-key-store.ts';
import { readIdentity, rewrapKeyStore } from '../keys/key-store-binding.ts';
import { retireSigningKey, rotateSigningKey, signingKeys } from '../erasure/certificate-keys.ts';
import { mainDatabaseRecord, reconcileKeys } from '../erasure/reconcile-keys.ts';
import type { KeyStore } from '../keys/key-store.ts';
import { startContext } from './startup.ts';

const USAGE = `Usage: adieu keys <command>
  status                 the key store's identity, the KEK it is wrapped with, the signing keys
  rewrap                 wrap every key with ADIEU_KEK (the old KEK in ADIEU_KEK_PREVIOUS)
  rotate-signing         a new certificate signing key; the old one stays in the JWKS
  retire-signing KID     destroy a previous signing key's private half (its public half stays published)
  reconcile [--dry-run]  after restoring the key store: destroy again every key the erasure record says was destroyed
`;

async function withKeyStore<T>(run: (keys: KeyStore) => Promise<T>): Promise<T> {
  const keys = openConfiguredKeyStore(loadConfig({}));
  try {
    return await run(keys);
  } finally {
    await keys.close();
  }
}

/** `adieu keys …`: operations on the key store (docs/key-management.md). */
export async function keysCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' } }, allowPositionals: true, strict: true });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  switch (sub) {
    case 'status':
      return withKeyStore(async (keys) => {
        const identity = await readIdentity(keys);
        out(`key store: ${keys.where}`);
        out(`identity: ${identity ? `${identity.storeId}, bound to main database ${identity.databaseId} on ${identity.boundAt}` : 'none yet (bound at first start)'}`);
        out(`KEK: ${keys.wrapper.currentId}${keys.wrapper.knownIds.length > 1 ? ` (also reads ${keys.wrapper.knownIds.slice(1).join(', ')})` : ''}`);
        if (identity) for (const entry of await signingKeys(keys)) out(`signing key ${entry.kid}: ${entry.state}, since ${entry.createdAt}${entry.retiredAt ? `, retired ${entry.retiredAt}` : ''}`);
        return 0;
      });
    case 'rewrap':
      return withKeyStore(async (keys) => {
        const { rewrapped, total } = await rewrapKeyStore(keys);
        out(`rewrapped ${rewrapped} of ${total} keys with ${keys.wrapper.currentId}; every key is now wrapped by it (remove ADIEU_KEK_PREVIOUS from every process)`);
        return 0;
      });
    case 'rotate-signing':
      return withKeyStore(async (keys) => {
        const added = await rotateSigningKey(keys);
        out(`new certificate signing key ${added.kid} is active; earlier keys stay in the JWKS`);
        return 0;
      });
    case 'retire-signing':
      if (positionals.length !== 1) break;
      return withKeyStore(async (keys) => {
        const retired = await retireSigningKey(keys, positionals[0]);
        out(`signing key ${retired.kid} retired: its private half is destroyed, its public half stays in the JWKS`);
        return 0;
      });
    case 'reconcile': {
      const ctx = await startContext({});
      try {
        const { checked, resurrected } = await reconcileKeys(ctx.keys, [mainDatabaseRecord(ctx.db)], { dryRun: values['dry-run'] });
        const verb = values['dry-run'] ? 'would destroy' : 'destroyed';
        out(`${checked} keys on the erasure record; ${verb} ${resurrected.length} that a restore had brought back${resurrected.length ? `: ${resurrected.join(', ')}` : ''}`);
        return 0;
      } finally {
        await closeContext(ctx);
      }
    }
  }
  process.stderr.write(USAGE);
  return 1;
}
