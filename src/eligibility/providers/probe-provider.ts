import { answerSchema, type HttpProviderConfig } from './http-provider.ts';
import { VERSION } from '../../version.ts';
import { configuredKeys, messageId, signedHeaders } from '../../webhooks/standard-webhooks.ts';

/** What a provider is sent by `adieu doctor`: no buyer, only the question "are you there?". */
export const PROBE_BODY = JSON.stringify({ probe: true });

export type ProbeOutcome = { ok: true; status: number } | { ok: false; status: number | null; reason: string };

/**
 * The health probe: a POST of `{ "probe": true }` to the provider's URL, signed exactly like a real
 * check (Standard Webhooks headers, the provider's secret), answered like one: a 2xx with
 * `{ blockers: [], warnings: [] }`. It proves the URL, the secret and the answer's shape at once,
 * and names no buyer.
 */
export async function probeProvider(config: HttpProviderConfig): Promise<ProbeOutcome> {
  let response: Response;
  try {
    response = await fetch(config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': `Adieu/${VERSION}`, ...signedHeaders(configuredKeys(config), messageId(), Math.floor(Date.now() / 1000), PROBE_BODY) },
      body: PROBE_BODY,
      redirect: 'error',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: null, reason: name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${config.timeoutMs} ms` : `unreachable (${code ?? name})` };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 401 || response.status === 403) return { ok: false, status: response.status, reason: `refused the signature (HTTP ${response.status})` };
  if (!response.ok) return { ok: false, status: response.status, reason: `answered HTTP ${response.status}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, status: response.status, reason: 'answer is not JSON' };
  }
  if (!answerSchema.safeParse(parsed).success) return { ok: false, status: response.status, reason: 'answer is not { blockers, warnings }' };
  return { ok: true, status: response.status };
}
