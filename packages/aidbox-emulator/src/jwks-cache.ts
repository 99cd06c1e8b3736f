/**
 * A cache of clients' key sets, one entry per `jwks_uri`, kept for a fixed time (5 minutes unless configured) whatever
 * the key set server's `Cache-Control` says, and never fetched again before then, not even for an assertion naming a
 * `kid` the cached set lacks. That is the worst case the docs allow: Aidbox documents a 300-second cache of JWKS keys
 * (`HealthSamurai/aidbox-docs` `docs/access-control/authentication/token-introspector.md`: "Caches public keys
 * fetched from the JWKS endpoint (default: 300 seconds)") and no re-fetch on an unknown `kid` (the private_key_jwt
 * page, `.../smart-client-authentication/smart-asymmetric-docs-private-key-jwt-authentication.md`, says nothing of
 * one). Payerbox says it honours `Cache-Control` (`HealthSamurai/payerbox-docs` `docs/api-reference/authentication.md`);
 * which one a licensed Aidbox does is an open question (infra/aidbox/NOTES.md). So a key published less than 5 minutes
 * before its first use is refused here, and the portal tells developers to publish new keys at least that early.
 * Failed fetches are not cached.
 *
 * Fetched with Node's global fetch: this is a test double, and tests serve key sets from loopback over http. It still
 * bounds what it fetches (timeout, size, no redirects) so that a bad `jwks_uri` cannot hang or flood the emulator.
 */
import type { JSONWebKeySet } from 'jose';
import { isJsonObject } from './json-value.ts';

/** How long a fetched key set is used before it is fetched again: Aidbox's documented 300 seconds. */
export const DEFAULT_JWKS_CACHE_TTL_MS = 5 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_BYTES = 256 * 1024;

export class JwksFetchError extends Error {
  override name = 'JwksFetchError';
}

interface Entry {
  readonly jwks: JSONWebKeySet;
  /** By the cache's clock. */
  readonly fetchedAt: number;
}

export interface JwksCacheOptions {
  /** How long a key set is used; default {@link DEFAULT_JWKS_CACHE_TTL_MS}. */
  readonly ttlMs?: number;
  /** The cache's clock in milliseconds (default `Date.now`): tests move it forward instead of waiting. */
  readonly now?: () => number;
}

export class JwksCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Entry>>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: JwksCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_JWKS_CACHE_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The key set at `uri`: the cached one until it is `ttlMs` old, else fetched now (callers share one fetch). */
  async get(uri: string): Promise<JSONWebKeySet> {
    const cached = this.#entries.get(uri);
    if (cached && this.#now() - cached.fetchedAt < this.#ttlMs) return cached.jwks;
    let pending = this.#inFlight.get(uri);
    if (!pending) {
      pending = fetchKeySet(uri)
        .then((jwks) => {
          const entry = { jwks, fetchedAt: this.#now() };
          this.#entries.set(uri, entry);
          return entry;
        })
        .finally(() => this.#inFlight.delete(uri));
      this.#inFlight.set(uri, pending);
    }
    return (await pending).jwks;
  }
}

async function fetchKeySet(uri: string): Promise<JSONWebKeySet> {
  let response: Response;
  try {
    response = await fetch(uri, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    throw new JwksFetchError(`could not fetch ${uri}: ${describe(error)}`, { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new JwksFetchError(`${uri} answered ${response.status}`);
  }
  const text = await readCapped(response, uri);
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch (error) {
    throw new JwksFetchError(`${uri} did not return JSON`, { cause: error });
  }
  if (!isJsonObject(jwks) || !Array.isArray(jwks.keys) || !jwks.keys.every(isJsonObject)) {
    throw new JwksFetchError(`${uri} did not return a JWK set ({"keys": [...]})`);
  }
  return jwks as unknown as JSONWebKeySet;
}

async function readCapped(response: Response, uri: string): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BYTES) {
        await reader.cancel();
        throw new JwksFetchError(`${uri} returned more than ${MAX_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof JwksFetchError) throw error;
    throw new JwksFetchError(`could not read ${uri}: ${describe(error)}`, { cause: error });
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
