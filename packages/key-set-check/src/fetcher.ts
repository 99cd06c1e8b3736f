import { createSafeFetcher, type Resolver, type SafeFetch } from '@payerbox/safe-fetch';

export interface KeySetFetcherOptions {
  /** Development only: lets key set URLs reach loopback (ALLOW_LOOPBACK_JWKS). */
  readonly allowLoopback: boolean;
  /** Tests resolve their made-up host names to loopback; production uses the system resolver. */
  readonly resolve?: Resolver | undefined;
}

/**
 * The fetcher of key set URLs, with the same rules wherever a key set is checked (registration's checks, the notifier's
 * re-checks): the SSRF-safe fetcher with its defaults (https, public addresses only, no redirects, 5 s, 64 KiB).
 */
export function createKeySetFetcher(options: KeySetFetcherOptions): SafeFetch {
  return createSafeFetcher({
    allowLoopback: options.allowLoopback,
    userAgent: 'payerbox-backend-services-portal (JWKS check)',
    ...(options.resolve && { resolve: options.resolve }),
  });
}
