import { AidboxError } from '@payerbox/aidbox';

const BASE_DELAY_MS = 250;

/**
 * Delay before the next attempt: exponential with "full jitter" (a random delay up to the exponential bound), which
 * spreads retries of many jobs that failed together (an Aidbox outage) instead of sending them back in waves. Aidbox's
 * Retry-After, when it sends one, is a floor.
 */
export function backoffDelay(
  attempt: number,
  maxMs: number,
  error?: unknown,
  random: () => number = Math.random,
): number {
  const bound = Math.min(maxMs, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(bound * random());
  const floor = error instanceof AidboxError ? (error.retryAfterMs ?? 0) : 0;
  return Math.min(maxMs, Math.max(jittered, floor));
}
