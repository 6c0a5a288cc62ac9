import { z } from 'zod';

/**
 * The shared schemas for ids and names in paths and queries. Every id Adieu makes is
 * `prefix_base64url` (src/ids.ts); anything else names nothing, so the route answers before any SQL
 * runs (a NUL byte or invalid text would otherwise reach the database and fail there).
 */
export const ID_PATTERN = /^[a-z]{2,8}_[A-Za-z0-9_-]{1,64}$/;

/** One id, as Adieu makes them. */
export const id = z.string().regex(ID_PATTERN, 'not an id');

/** A short machine name (a webhook receiver, a data map store): lower-case letters, digits, `_`, `-`, as in the config. */
export const name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'not a name');

/** `/:id` */
export const idParams = z.object({ id });
