import type { Database } from '@payerbox/db';
import { type Kysely, sql } from 'kysely';
import { preparedQuery } from '../prepared-query.ts';

/** A key's count in its current window, this hit included, and the milliseconds until that window ends. */
export interface WindowCount {
  readonly hits: number;
  readonly ttlMs: number;
}

/**
 * One statement for a batch of hits: each key's count grows by its hits, or starts again when its window has ended
 * (the window's end stays put while it runs: fixed windows, as @fastify/rate-limit's own stores count). The rows are
 * inserted, hence locked, in key order, so two batches that share keys cannot deadlock. The clock is the database's,
 * the same for every replica.
 */
const countHits = preparedQuery(
  (_db, values: { readonly keys: readonly string[]; readonly hits: number[]; readonly windowsMs: number[] }) =>
    sql<{ key: string; hits: number; ttl: number }>`
      insert into rate_limit_windows as w (key, hits, resets_at)
      select key, hits, now() + window_ms * interval '1 millisecond'
      from unnest(${values.keys}::text[], ${values.hits}::int[], ${values.windowsMs}::int[]) as hit (key, hits, window_ms)
      order by key
      on conflict (key) do update set
        hits = case when w.resets_at <= now() then excluded.hits else w.hits + excluded.hits end,
        resets_at = case when w.resets_at <= now() then excluded.resets_at else w.resets_at end
      returning key, hits, ceil(extract(epoch from resets_at - now()) * 1000)::int as ttl`,
);

interface PendingHit {
  readonly windowMs: number;
  resolve(count: WindowCount): void;
  reject(error: unknown): void;
}

/**
 * Counts hits in fixed windows in PostgreSQL, so every replica sees the same counts. The hits of one tick go to the
 * database together, in one statement: a write's two limits (per user, per address) cost one round trip, and
 * concurrent requests of one caller update its row once instead of queueing on its lock.
 */
export class WindowCounter {
  #pending = new Map<string, PendingHit[]>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Counts one hit on `key` in its window of `windowMs` (started by this hit when none is running). */
  hit(key: string, windowMs: number): Promise<WindowCount> {
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) process.nextTick(() => void this.#flush());
      const hits = this.#pending.get(key);
      if (hits) hits.push({ windowMs, resolve, reject });
      else this.#pending.set(key, [{ windowMs, resolve, reject }]);
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    const keys = [...batch.keys()];
    const pending = [...batch.values()];
    try {
      const rows = await countHits(this.db, {
        keys,
        hits: pending.map((hits) => hits.length),
        // A key names one limit, hence one window length.
        windowsMs: pending.map((hits) => hits[0]?.windowMs ?? 0),
      });
      for (const row of rows) {
        const hits = batch.get(row.key) ?? [];
        // The row counts every hit of the batch on its key; each caller learns the count as of its own hit.
        hits.forEach((hit, index) => {
          hit.resolve({ hits: row.hits - (hits.length - 1 - index), ttlMs: row.ttl });
        });
      }
    } catch (error) {
      this.onError(error);
      for (const hits of pending) for (const hit of hits) hit.reject(error);
    }
  }
}

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** What the plugin passes a store's constructor and `child`: its options merged with the route's, and the route. */
interface StoreOptions {
  readonly timeWindow?: unknown;
  readonly routeInfo?: { readonly method?: unknown; readonly url?: unknown };
}

/** The window of a limit the plugin hands the store without one (its own default). */
const PLUGIN_DEFAULT_WINDOW_MS = 60_000;

/**
 * A `@fastify/rate-limit` store (its `store` option) over a {@link WindowCounter}: the plugin keeps deciding (limits,
 * headers, 429s), PostgreSQL counts. A route's own limit (`config.rateLimit`) counts under keys prefixed with its
 * method and URL, so it never shares a row with the app-wide limits.
 */
export function postgresRateLimitStore(counter: WindowCounter) {
  return class PostgresRateLimitStore {
    readonly #prefix: string;
    readonly #windowMs: number;

    // `object`: the plugin's typings declare a route's options, its code passes StoreOptions.
    constructor(options: object, prefix = '') {
      const { timeWindow } = options as StoreOptions;
      this.#prefix = prefix;
      this.#windowMs = typeof timeWindow === 'number' ? timeWindow : PLUGIN_DEFAULT_WINDOW_MS;
    }

    incr(key: string, callback: IncrCallback, timeWindow?: number): void {
      counter.hit(this.#prefix + key, timeWindow ?? this.#windowMs).then(
        (count) => callback(null, { current: count.hits, ttl: count.ttlMs }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(options: object) {
      const route = (options as StoreOptions).routeInfo;
      return new PostgresRateLimitStore(options, route?.url ? `${String(route.method)} ${String(route.url)} ` : '');
    }
  };
}
