/**
 * When to try a downstream receiver again. Exponential backoff with full jitter (30 s, 1 min, 2 min
 * … capped at 6 h), a `Retry-After` from the receiver taking precedence, and nothing after the
 * retry window (72 h by default, as the Standard Webhooks guidance suggests). Pure.
 */
export const BASE_DELAY_SECONDS = 30;
export const MAX_DELAY_SECONDS = 6 * 60 * 60;

/** `Retry-After` as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export type RetryDecision = { retry: true; delaySeconds: number } | { retry: false };

/**
 * `attempt` is the number of attempts made so far (1 after the first). `random` in [0, 1) gives the
 * jitter, so many failing runs do not all come back at once.
 */
export function nextAttempt(input: {
  attempt: number;
  firstAttemptAt: Date;
  now: Date;
  retryAfterSeconds: number | null;
  windowHours: number;
  random: () => number;
}): RetryDecision {
  const windowEnd = input.firstAttemptAt.getTime() + input.windowHours * 3_600_000;
  const remaining = Math.floor((windowEnd - input.now.getTime()) / 1000);
  if (remaining <= 0) return { retry: false };
  let delay: number;
  if (input.retryAfterSeconds !== null) {
    delay = Math.max(1, input.retryAfterSeconds);
  } else {
    const cap = Math.min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** Math.min(20, Math.max(0, input.attempt - 1)));
    // Full jitter in the upper half: never sooner than half the backoff.
    delay = Math.max(1, Math.round(cap / 2 + (input.random() * cap) / 2));
  }
  // A last attempt at the end of the window rather than none at all.
  return { retry: true, delaySeconds: Math.min(delay, Math.max(1, remaining)) };
}
