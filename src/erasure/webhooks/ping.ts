import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/schema.ts';
import { VERSION } from '../../version.ts';
import { configuredKeys, signedHeaders } from '../../webhooks/standard-webhooks.ts';

export type PingOutcome = { ok: true; status: number } | { ok: false; status: number | null; reason: string };

/**
 * `adieu doctor`'s reachability check of an erasure receiver: a signed `adieu.ping` event (Standard
 * Webhooks headers, the receiver's secret, a fresh `webhook-id`) that asks for nothing to be erased.
 * A receiver answers any event type it does not act on with a 2xx, so a 2xx proves the URL and
 * that the request got through; 401/403 means the secrets differ.
 */
export async function pingReceiver(hook: Pick<Config['webhooks'][number], 'name' | 'url' | 'secret' | 'previousSecret'> & { legacyRawSecret?: boolean }, timeoutMs: number): Promise<PingOutcome> {
  const body = JSON.stringify({ type: 'adieu.ping', timestamp: new Date().toISOString(), data: {} });
  const id = `ping_${randomBytes(12).toString('base64url')}`;
  try {
    const response = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `Adieu/${VERSION}`, ...signedHeaders(configuredKeys(hook), id, Math.floor(Date.now() / 1000), body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    if (response.status === 401 || response.status === 403) return { ok: false, status: response.status, reason: `refused the signature (HTTP ${response.status})` };
    if (response.status === 410) return { ok: false, status: 410, reason: 'answered 410 Gone (a real delivery would disable it)' };
    return { ok: false, status: response.status, reason: `answered HTTP ${response.status}` };
  } catch (error) {
    const name = (error as Error).name;
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: null, reason: name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${timeoutMs} ms` : `unreachable (${code ?? name})` };
  }
}
