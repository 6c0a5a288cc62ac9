import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/test-databases.ts';
import { PostgresKeyStore } from '../../src/keys/postgres-key-store.ts';
import { KeyDestroyedError, KeyExistsError, KeyMissingError } from '../../src/keys/key-store.ts';
import { LocalKeyWrapper } from '../../src/keys/local-key-wrapper.ts';
import { randomBytes } from 'node:crypto';

const wrapper = new LocalKeyWrapper(randomBytes(32));

describe.runIf(!!process.env.TEST_DATABASE_URL)('PostgreSQL key store shared by several processes', () => {
  it('gives every process the same key, creates its table once, and destroys keys for good', async () => {
    const database = await createTestDatabase('postgres');
    const stores = Array.from({ length: 4 }, () => new PostgresKeyStore(database.url!, wrapper));
    try {
      // Four processes starting at once: one table, one key per subject.
      const created = await Promise.allSettled(stores.map((store) => store.createSubjectKey('sub_shared')));
      expect(created.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of created) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(KeyExistsError);
      const keys = await Promise.all(stores.map((store) => store.subjectKey('sub_shared')));
      for (const key of keys) expect(key.equals(keys[0])).toBe(true);
      expect(keys[0]).toHaveLength(32);
      const secrets = await Promise.all(stores.map((store) => store.serviceSecret('blind-index')));
      for (const secret of secrets) expect(secret.equals(secrets[0])).toBe(true);
      await stores[0].ping();

      await stores[1].destroySubjectKey('sub_shared');
      await stores[2].destroySubjectKey('sub_shared');
      expect(await stores[3].findSubjectKey('sub_shared')).toBeNull();
      await expect(stores[0].subjectKey('sub_shared')).rejects.toBeInstanceOf(KeyDestroyedError);
      // Destroying a key that never existed still bars it from being minted later.
      await stores[0].destroySubjectKey('sub_never');
      await expect(stores[1].subjectKey('sub_never')).rejects.toBeInstanceOf(KeyDestroyedError);
      await expect(stores[1].createSubjectKey('sub_never')).rejects.toBeInstanceOf(KeyDestroyedError);
      // Never minted on read: a missing key stays missing.
      await expect(stores[2].subjectKey('sub_lost')).rejects.toBeInstanceOf(KeyMissingError);
      expect(await stores[3].findSubjectKey('sub_lost')).toBeNull();
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await database.drop();
    }
  });
});
