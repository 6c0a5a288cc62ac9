import { IDENTITIES, type IdentityKind } from './erasure-datamap.ts';

/**
 * Key patterns (Redis) and path templates (file stores) name the buyer with placeholders:
 * `cart:{user_id}`, `avatars/{userId}/*`. A placeholder is an identity of the data map
 * (`IDENTITIES`), written in snake_case or camelCase, so an identity added there works in every
 * template without touching the connectors. Pure: no I/O.
 */

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** `userId` → `user_id`; `user_id` stays. */
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function isIdentity(name: string): name is IdentityKind {
  return (IDENTITIES as readonly string[]).includes(name);
}

/** The identities a template names, or the unknown placeholder names. */
export function templateIdentities(template: string): { identities: IdentityKind[]; unknown: string[] } {
  const identities: IdentityKind[] = [];
  const unknown: string[] = [];
  for (const [, raw] of template.matchAll(PLACEHOLDER)) {
    const name = snake(raw);
    if (isIdentity(name)) identities.push(name);
    else unknown.push(raw);
  }
  return { identities, unknown };
}

export const hasPlaceholder = (template: string): boolean => templateIdentities(template).identities.length > 0;

/**
 * The template with each placeholder replaced by the identity's value, escaped for the pattern
 * language the result is used in (so an id can never widen the match).
 */
export function fillTemplate(template: string, value: (kind: IdentityKind) => string, escape: (literal: string) => string): string {
  return template.replace(PLACEHOLDER, (whole, raw: string) => {
    const name = snake(raw);
    return isIdentity(name) ? escape(value(name)) : whole;
  });
}

/** The template with each placeholder as a wildcard (`*`): every subject's items. */
export function wildTemplate(template: string): string {
  return template.replace(PLACEHOLDER, '*');
}

/** Escapes Redis glob specials (`*?[]\`). */
export const escapeRedisGlob = (literal: string): string => literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Escapes picomatch specials in a path segment. */
export const escapePathGlob = (literal: string): string => literal.replace(/[*?[\]{}()!+@\\]/g, (c) => `\\${c}`);

/**
 * A Redis glob (`*`, `?`, `[…]`, `\x`) as a regular expression, so a key or a member can be
 * matched here exactly as SCAN's MATCH does there.
 */
export function redisGlobRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) out += glob[++i].replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        const body = glob.slice(i + 1, end);
        out += `[${body.startsWith('^') ? `^${body.slice(1).replace(/\\/g, '\\\\')}` : body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
