import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KekError } from './key-wrapper.ts';
import { kekId, LocalKeyWrapper } from './local-key-wrapper.ts';

describe('LocalKeyWrapper (AES-256-GCM under a KEK)', () => {
  const kek = randomBytes(32);
  const key = randomBytes(32);

  it('unwraps what it wrapped, for the same context only, and never stores the key in the clear', async () => {
    const wrapper = new LocalKeyWrapper(kek);
    const wrapped = await wrapper.wrap(key, 'subject:usr_a');
    expect(wrapped.includes(key)).toBe(false);
    expect(wrapper.wrappedBy(wrapped)).toBe(kekId(kek));
    expect((await wrapper.unwrap(wrapped, 'subject:usr_a')).equals(key)).toBe(true);
    await expect(wrapper.unwrap(wrapped, 'subject:usr_b')).rejects.toBeInstanceOf(KekError);
    const tampered = Buffer.from(wrapped);
    tampered[tampered.length - 1] ^= 1;
    await expect(wrapper.unwrap(tampered, 'subject:usr_a')).rejects.toBeInstanceOf(KekError);
  });

  it('refuses a key wrapped by another KEK, naming both ids but never a KEK', async () => {
    const wrapped = await new LocalKeyWrapper(kek).wrap(key, 'subject:usr_a');
    const other = randomBytes(32);
    const error = await new LocalKeyWrapper(other).unwrap(wrapped, 'subject:usr_a').catch((e: Error) => e);
    expect(error).toBeInstanceOf(KekError);
    expect((error as Error).message).toContain(kekId(kek));
    expect((error as Error).message).toContain(kekId(other));
    expect((error as Error).message).not.toContain(kek.toString('base64'));
  });

  it('reads keys wrapped by the previous KEK during a rewrap, and wraps new ones with the current', async () => {
    const next = randomBytes(32);
    const old = await new LocalKeyWrapper(kek).wrap(key, 'service:csrf');
    const both = new LocalKeyWrapper(next, [kek]);
    expect((await both.unwrap(old, 'service:csrf')).equals(key)).toBe(true);
    expect(both.wrappedBy(await both.wrap(key, 'service:csrf'))).toBe(kekId(next));
    expect(both.knownIds).toEqual([kekId(next), kekId(kek)]);
  });

  it('takes only 32-byte KEKs, and does not mistake a plain key for a wrapped one', () => {
    expect(() => new LocalKeyWrapper(randomBytes(16))).toThrow(KekError);
    expect(new LocalKeyWrapper(kek).wrappedBy(key)).toBeNull();
  });
});
