import { z } from 'zod';
import type { Config } from '../../config/schema.ts';
import { VERSION } from '../../version.ts';
import { configuredKeys, messageId, signedHeaders } from '../../webhooks/standard-webhooks.ts';
import { describeFinding } from '../texts.ts';
import type { Blocker, CheckInput, CheckProvider } from '../check-provider.ts';

export type HttpProviderConfig = Config['eligibility']['providers'][number];

/** Largest answer we read: a list of blockers, not a data dump. */
const MAX_ANSWER_BYTES = 256 * 1024;

const blockerSchema = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/),
  title: z.string().min(1).max(200),
  detail: z.string().max(2000),
  count: z.number().int().min(0).optional(),
  amount: z.object({ value: z.number().finite(), currency: z.string().regex(/^[A-Z]{3}$/) }).optional(),
  resolveHint: z.string().min(1).max(2000),
  // Links in the buyer's UI must stay on the platform: only paths are accepted.
  link: z
    .string()
    .max(500)
    .regex(/^\/(?!\/)/)
    .optional(),
});
export const answerSchema = z.object({ blockers: z.array(blockerSchema).max(50), warnings: z.array(blockerSchema).max(50) });

class ProviderFailure extends Error {}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_ANSWER_BYTES) throw new ProviderFailure('answer too large');
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ProviderFailure('answer too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A platform's own service asked over HTTP: POST `{ subjectId, locale }` (the pseudonymous id only),
 * signed like a Standard Webhook, answered with `{ blockers, warnings }` in the shape of API.md.
 * A timeout, a network error, a non-2xx status or an answer of the wrong shape becomes ONE blocker
 * `CHECK_UNAVAILABLE`: a provider we could not hear from never counts as "nothing open".
 */
export function httpProvider(config: HttpProviderConfig): CheckProvider {
  return {
    name: config.name,
    async check(input: CheckInput) {
      try {
        const body = JSON.stringify({ subjectId: input.subjectId, locale: input.locale });
        // Transport time, not business time: the receiver compares the timestamp with its own clock.
        const headers = signedHeaders(configuredKeys(config), messageId(), Math.floor(Date.now() / 1000), body);
        const response = await fetch(config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': `Adieu/${VERSION}`, ...headers },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        if (!response.ok) {
          await response.body?.cancel().catch(() => undefined);
          throw new ProviderFailure(`status ${response.status}`);
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readLimited(response));
        } catch (error) {
          if (error instanceof ProviderFailure) throw error;
          throw new ProviderFailure('answer is not JSON');
        }
        const answer = answerSchema.safeParse(parsed);
        if (!answer.success) throw new ProviderFailure('answer has the wrong shape');
        const clean = (b: z.infer<typeof blockerSchema>): Blocker => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as unknown as Blocker;
        return { blockers: answer.data.blockers.map(clean), warnings: answer.data.warnings.map(clean) };
      } catch (error) {
        const reason =
          error instanceof ProviderFailure ? error.message : error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'timeout' : 'unreachable';
        input.ctx.logger.warn({ provider: config.name, reason }, 'eligibility provider unavailable');
        return { blockers: [unavailable(config.name, input)], warnings: [] };
      }
    },
  };
}

export function unavailable(provider: string, input: Pick<CheckInput, 'locale'>): Blocker {
  return describeFinding({ code: 'CHECK_UNAVAILABLE', amounts: [] }, input.locale, { provider });
}
