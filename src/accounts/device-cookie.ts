import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context.ts';

/**
 * OWASP's device cookies ("Slow Down Online Guessing Attacks with Device Cookies"): a browser that
 * signed in to an account carries `<user id>.<nonce>.<HMAC>`. Failed sign-ins from such a browser
 * count against that cookie only, and a stranger's failures (which pause untrusted clients for the
 * account) never keep the owner's own browser out. The cookie holds no personal data.
 */
export const DEVICE_COOKIE = 'adieu_device';
/** How long a browser stays trusted after its last successful sign-in. */
export const DEVICE_COOKIE_DAYS = 180;

export interface Device {
  userId: string;
  /** The cookie's nonce: its failure counter is keyed by it. */
  nonce: string;
}

async function mac(ctx: AppContext, userId: string, nonce: string): Promise<Buffer> {
  return createHmac('sha256', await ctx.keys.serviceSecret('device-cookie')).update(`${userId}.${nonce}`).digest();
}

/** A fresh device cookie for a browser that just signed in to `userId`. */
export async function issueDeviceCookie(ctx: AppContext, userId: string): Promise<string> {
  const nonce = randomBytes(16).toString('base64url');
  return `${userId}.${nonce}.${(await mac(ctx, userId, nonce)).toString('base64url')}`;
}

/** The device a cookie names, when its signature holds; null for anything else. */
export async function readDeviceCookie(ctx: AppContext, value: string | undefined): Promise<Device | null> {
  if (!value || value.length > 300) return null;
  const parts = value.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]{1,120}$/.test(p))) return null;
  const [userId, nonce, signature] = parts;
  const expected = await mac(ctx, userId, nonce);
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { userId, nonce } : null;
}
