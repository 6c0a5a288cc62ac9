import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { FileKeyStore } from './file-key-store.ts';
import { LocalKeyWrapper } from './local-key-wrapper.ts';

const wrapper = new LocalKeyWrapper(randomBytes(32));
import { openForSubject, sealForSubject } from './subject-seal.ts';
import { KeyMissingError } from './key-store.ts';

describe('subject seal', () => {
  let dir: string;
  let keys: FileKeyStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'adieu-seal-'));
    keys = new FileKeyStore(dir, wrapper);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens what it sealed, only for the same subject and field', async () => {
    await keys.createSubjectKey('sub_a');
    await keys.createSubjectKey('sub_b');
    const sealed = await sealForSubject(keys, 'sub_a', 'email', 'ada@example.com');
    expect(sealed).not.toContain('ada');
    expect(await openForSubject(keys, 'sub_a', 'email', sealed)).toBe('ada@example.com');
    await expect(openForSubject(keys, 'sub_a', 'phone', sealed)).rejects.toThrow();
    await sealForSubject(keys, 'sub_b', 'email', 'x');
    await expect(openForSubject(keys, 'sub_b', 'email', sealed)).rejects.toThrow();
    expect(await openForSubject(keys, 'sub_a', 'email', null)).toBeNull();
  });

  it('opens nothing once the subject is erased', async () => {
    await keys.createSubjectKey('sub_a');
    const sealed = await sealForSubject(keys, 'sub_a', 'reasonText', 'moving abroad');
    await keys.destroySubjectKey('sub_a');
    expect(await openForSubject(keys, 'sub_a', 'reasonText', sealed)).toBeNull();
  });

  it('neither seals nor opens for a subject whose key is missing, and mints none', async () => {
    await keys.createSubjectKey('sub_a');
    const sealed = await sealForSubject(keys, 'sub_a', 'email', 'ada@example.com');
    await expect(sealForSubject(keys, 'sub_lost', 'email', 'x')).rejects.toBeInstanceOf(KeyMissingError);
    await expect(openForSubject(keys, 'sub_lost', 'email', sealed)).rejects.toBeInstanceOf(KeyMissingError);
    expect(await keys.findSubjectKey('sub_lost')).toBeNull();
  });
});
