import { randomBytes } from 'node:crypto';

/** Opaque, unguessable ids (128 bits), prefixed so a reader can tell what an id names. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/** A secret token for links and cookies (256 bits). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
