import type { AuthenticatedUser } from '../users/repository.ts';

/** What a live API token stands for, as last read from the database. */
export interface TokenGrant {
  readonly user: AuthenticatedUser;
  readonly tokenId: string;
  readonly expiresAt: Date;
  lastUsedAt: Date | null;
}

export interface TokenCacheOptions {
  /** Longest an entry is trusted without a fresh read, whatever the notifications say. */
  readonly ttlMs: number;
  /** Least recently used entries go first beyond this. */
  readonly maxEntries: number;
  readonly now?: () => number;
}

/** A read started under one epoch may be cached only if no invalidation came in between. */
export type CacheEpoch = number;

export interface TokenCache {
  /** The grant for a token hash (hex), unless absent, stale, expired or the cache is not trusted now. */
  get(hash: string): TokenGrant | undefined;
  /** Taken before reading the database; {@link TokenCache.set} refuses if anything was invalidated since. */
  epoch(): CacheEpoch;
  set(hash: string, grant: TokenGrant, readAt: CacheEpoch): void;
  /** Drops every entry of this user (their token was revoked, their role changed, …). */
  invalidateUser(userId: string): void;
  /**
   * Trusted only while the invalidations can be heard: `false` empties the cache and keeps it empty, `true` lets it
   * fill again.
   */
  setTrusted(trusted: boolean): void;
  readonly size: number;
}

interface Entry {
  readonly grant: TokenGrant;
  readonly storedAt: number;
}

/**
 * The users behind recently used API tokens, so that an authenticated request does not have to read them every time.
 * Correctness rests on invalidation (the database notifies every change, see the principal-changes migration) plus
 * the epoch rule against a read racing an invalidation; the TTL only bounds the damage of a bug.
 */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const now = options.now ?? Date.now;
  // Map keeps insertion order: re-inserting on every hit makes the first key the least recently used.
  const entries = new Map<string, Entry>();
  const hashesByUser = new Map<string, Set<string>>();
  let currentEpoch = 0;
  let trusted = false;

  function remove(hash: string): void {
    const entry = entries.get(hash);
    if (!entry) return;
    entries.delete(hash);
    const hashes = hashesByUser.get(entry.grant.user.id);
    hashes?.delete(hash);
    if (hashes?.size === 0) hashesByUser.delete(entry.grant.user.id);
  }

  function clear(): void {
    entries.clear();
    hashesByUser.clear();
    currentEpoch++;
  }

  return {
    get(hash) {
      const entry = entries.get(hash);
      if (!entry) return undefined;
      const time = now();
      if (!trusted || time - entry.storedAt >= options.ttlMs || entry.grant.expiresAt.getTime() <= time) {
        remove(hash);
        return undefined;
      }
      entries.delete(hash);
      entries.set(hash, entry);
      return entry.grant;
    },
    epoch: () => currentEpoch,
    set(hash, grant, readAt) {
      if (!trusted || readAt !== currentEpoch || options.maxEntries <= 0) return;
      remove(hash);
      entries.set(hash, { grant, storedAt: now() });
      const hashes = hashesByUser.get(grant.user.id) ?? new Set<string>();
      hashes.add(hash);
      hashesByUser.set(grant.user.id, hashes);
      for (const oldest of entries.keys()) {
        if (entries.size <= options.maxEntries) break;
        remove(oldest);
      }
    },
    invalidateUser(userId) {
      currentEpoch++;
      for (const hash of hashesByUser.get(userId) ?? []) remove(hash);
    },
    setTrusted(value) {
      trusted = value;
      clear();
    },
    get size() {
      return entries.size;
    },
  };
}
