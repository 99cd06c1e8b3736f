/**
 * A cache of clients' key sets, one entry per `jwks_uri`. An entry lives as long as the key set server's
 * `Cache-Control: max-age` says (RFC 9111 §5.2.2.1), or `DEFAULT_TTL_MS` without one, and not at all with
 * `no-store`/`no-cache`. The verifier asks for a fresh copy once when an assertion names a `kid` the cached set lacks,
 * which is how a client's key rotation becomes visible before the entry expires.
 *
 * Fetched with Node's global fetch: this is a test double, and tests serve key sets from loopback over http. It still
 * bounds what it fetches (timeout, size, no redirects) so that a bad `jwks_uri` cannot hang or flood the emulator.
 */
import type { JSONWebKeySet } from 'jose';
import { isJsonObject } from './json-value.ts';

const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_TTL_MS = 24 * 60 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_BYTES = 256 * 1024;

export class JwksFetchError extends Error {
  override name = 'JwksFetchError';
}

interface Entry {
  readonly jwks: JSONWebKeySet;
  readonly expiresAt: number;
}

export interface CachedKeySet {
  readonly jwks: JSONWebKeySet;
  /** True when the set was fetched for this call (so fetching again would not help). */
  readonly fresh: boolean;
}

export class JwksCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Entry>>();

  /** The key set at `uri`, from the cache unless it expired or `refresh` is set. */
  async get(uri: string, refresh = false): Promise<CachedKeySet> {
    const cached = this.#entries.get(uri);
    if (!refresh && cached && cached.expiresAt > Date.now()) return { jwks: cached.jwks, fresh: false };
    let pending = this.#inFlight.get(uri);
    if (!pending) {
      pending = fetchKeySet(uri).finally(() => this.#inFlight.delete(uri));
      this.#inFlight.set(uri, pending);
    }
    const entry = await pending;
    if (entry.expiresAt > Date.now()) this.#entries.set(uri, entry);
    else this.#entries.delete(uri);
    return { jwks: entry.jwks, fresh: true };
  }
}

async function fetchKeySet(uri: string): Promise<Entry> {
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
  const ttl = timeToLive(response.headers.get('cache-control'));
  return { jwks: jwks as unknown as JSONWebKeySet, expiresAt: Date.now() + ttl };
}

function timeToLive(cacheControl: string | null): number {
  if (!cacheControl) return DEFAULT_TTL_MS;
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  for (const directive of directives) {
    const maxAge = /^max-age\s*=\s*"?(\d+)"?$/.exec(directive);
    if (maxAge) return Math.min(Number(maxAge[1]) * 1000, MAX_TTL_MS);
  }
  return DEFAULT_TTL_MS;
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
