import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { Slots } from '../../concurrency/slots.ts';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. @node-rs/argon2 hashes on libuv's thread
// pool, so the event loop stays free while a sign-in is verified.
// 2 = Argon2id (the package's const enum cannot be imported under isolatedModules).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashes at once: one core fewer than the machine has. libuv's pool runs up to 4 whatever the
 * machine; on 2 cores, 4 hashes at once only take turns on the cores (no more done per second,
 * measured) and crowd out the event loop and the database, so every other request waits.
 */
const hashing = new Slots(Math.max(1, availableParallelism() - 1));

export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => hash(password, OPTIONS));
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await hashing.run(() => verify(stored, password));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;

/** Verifies against a throw-away hash, so an unknown account costs the same time as a known one. */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword('adieu-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
}
