import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { FileKeyStore } from './file-key-store.ts';
import { LocalKeyWrapper } from './local-key-wrapper.ts';

const wrapperKek = randomBytes(32);
const wrapper = new LocalKeyWrapper(wrapperKek);
import { KeyDestroyedError } from './key-store.ts';

describe('FileKeyStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'adieu-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates one 256-bit key per subject, the same for every process that asks', async () => {
    const stores = [new FileKeyStore(dir, wrapper), new FileKeyStore(dir, wrapper), new FileKeyStore(dir, wrapper)];
    const keys = await Promise.all(stores.flatMap((store) => [store.subjectKey('sub_a'), store.subjectKey('sub_a')]));
    expect(keys[0]).toHaveLength(32);
    for (const key of keys) expect(key.equals(keys[0])).toBe(true);
    expect((await stores[0].subjectKey('sub_b')).equals(keys[0])).toBe(false);
    expect(readdirSync(join(dir, 'subjects')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await stores[1].serviceSecret('csrf')).equals(await stores[2].serviceSecret('csrf'))).toBe(true);
    await stores[0].ping();
  });

  it('destroys a key for good: never found, never minted again', async () => {
    const store = new FileKeyStore(dir, wrapper);
    await store.subjectKey('sub_a');
    await store.destroySubjectKey('sub_a');
    await store.destroySubjectKey('sub_a'); // twice is fine
    expect(await store.findSubjectKey('sub_a')).toBeNull();
    await expect(store.subjectKey('sub_a')).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await new FileKeyStore(dir, wrapper).findSubjectKey('sub_a')).toBeNull();
  });

  it('refuses ids that could escape its folder', async () => {
    const store = new FileKeyStore(dir, wrapper);
    await expect(store.subjectKey('../x')).rejects.toThrow('invalid key id');
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
    const key = await first.subjectKey('sub_a');
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
