import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { FileKeyStore } from './file-key-store.ts';
import { LocalKeyWrapper } from './local-key-wrapper.ts';

const wrapperKek = randomBytes(32);
const wrapper = new LocalKeyWrapper(wrapperKek);
import { KeyDestroyedError, KeyExistsError, KeyMissingError } from './key-store.ts';

describe('FileKeyStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'adieu-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('mints one 256-bit key per subject once, the same for every process that reads it', async () => {
    const stores = [new FileKeyStore(dir, wrapper), new FileKeyStore(dir, wrapper), new FileKeyStore(dir, wrapper)];
    // Six creators racing: exactly one mints, the others are refused and nothing is replaced.
    const created = await Promise.allSettled(stores.flatMap((store) => [store.createSubjectKey('sub_a'), store.createSubjectKey('sub_a')]));
    const minted = created.filter((r): r is PromiseFulfilledResult<Buffer> => r.status === 'fulfilled');
    expect(minted).toHaveLength(1);
    for (const r of created) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(KeyExistsError);
    const keys = await Promise.all(stores.map((store) => store.subjectKey('sub_a')));
    expect(keys[0]).toHaveLength(32);
    for (const key of keys) expect(key.equals(minted[0].value)).toBe(true);
    expect((await stores[0].createSubjectKey('sub_b')).equals(keys[0])).toBe(false);
    expect(readdirSync(join(dir, 'subjects')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await stores[1].serviceSecret('csrf')).equals(await stores[2].serviceSecret('csrf'))).toBe(true);
    await stores[0].ping();
  });

  it('destroys a key for good: never found, never minted again', async () => {
    const store = new FileKeyStore(dir, wrapper);
    await store.createSubjectKey('sub_a');
    await store.destroySubjectKey('sub_a');
    await store.destroySubjectKey('sub_a'); // twice is fine
    expect(await store.findSubjectKey('sub_a')).toBeNull();
    await expect(store.subjectKey('sub_a')).rejects.toBeInstanceOf(KeyDestroyedError);
    await expect(store.createSubjectKey('sub_a')).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await new FileKeyStore(dir, wrapper).findSubjectKey('sub_a')).toBeNull();
  });

  it('refuses ids that could escape its folder', async () => {
    const store = new FileKeyStore(dir, wrapper);
    await expect(store.subjectKey('../x')).rejects.toThrow('invalid key id');
    await expect(store.createSubjectKey('../x')).rejects.toThrow('invalid key id');
  });

  it('never mints on read: a missing key is an error that says so, and the store stays without it', async () => {
    const store = new FileKeyStore(dir, wrapper);
    await expect(store.subjectKey('sub_lost')).rejects.toBeInstanceOf(KeyMissingError);
    await expect(store.subjectKey('sub_lost')).rejects.toThrow(/missing from the key store: restore the key store/);
    expect(await store.findSubjectKey('sub_lost')).toBeNull();
    expect(readdirSync(join(dir, 'subjects'))).toEqual([]);
  });
});

describe('FileKeyStore wrapping', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'adieu-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores every key wrapped, wraps keys stored in the clear, and rewraps to a new KEK', async () => {
    const first = new FileKeyStore(dir, wrapper);
    const key = await first.createSubjectKey('sub_a');
    const file = join(dir, 'subjects', 'sub_a.key');
    expect(readFileSync(file).includes(key)).toBe(false);
    // A key from before envelope encryption: 32 bytes in the clear.
    const plain = randomBytes(32);
    writeFileSync(join(dir, 'subjects', 'sub_old.key'), plain);
    expect((await first.findSubjectKey('sub_old'))!.equals(plain)).toBe(true);
    expect(await first.rewrapAll({ onlyUnwrapped: true })).toEqual({ rewrapped: 1, total: 2 });
    expect(readFileSync(join(dir, 'subjects', 'sub_old.key')).includes(plain)).toBe(false);

    const next = new LocalKeyWrapper(randomBytes(32), [randomBytes(32)]);
    await expect(new FileKeyStore(dir, next).findSubjectKey('sub_a')).rejects.toThrow(/not the configured KEK/);
    const moving = new FileKeyStore(dir, new LocalKeyWrapper(randomBytes(32), [Buffer.from(wrapperKek)]));
    expect(await moving.rewrapAll()).toEqual({ rewrapped: 2, total: 2 });
    expect((await moving.findSubjectKey('sub_a'))!.equals(key)).toBe(true);
    expect((await moving.findSubjectKey('sub_old'))!.equals(plain)).toBe(true);
    await expect(new FileKeyStore(dir, wrapper).findSubjectKey('sub_a')).rejects.toThrow(/not the configured KEK/);
  });
});
