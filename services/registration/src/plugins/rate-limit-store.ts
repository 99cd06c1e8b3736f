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
  /** How many hits this caller adds (a reservation adds several at once). */
  readonly count: number;
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

  /**
   * Counts `count` hits on `key` in its window of `windowMs` (started by these hits when none is running); answers
   * the count including them.
   */
  hit(key: string, windowMs: number, count = 1): Promise<WindowCount> {
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) process.nextTick(() => void this.#flush());
      const hits = this.#pending.get(key);
      if (hits) hits.push({ windowMs, count, resolve, reject });
      else this.#pending.set(key, [{ windowMs, count, resolve, reject }]);
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
        hits: pending.map((hits) => hits.reduce((sum, hit) => sum + hit.count, 0)),
        // A key names one limit, hence one window length.
        windowsMs: pending.map((hits) => hits[0]?.windowMs ?? 0),
      });
      for (const row of rows) {
        // The row counts every hit of the batch on its key; each caller learns the count as of its own hits.
        let after = 0;
        for (const hit of [...(batch.get(row.key) ?? [])].reverse()) {
          hit.resolve({ hits: row.hits - after, ttlMs: row.ttl });
          after += hit.count;
        }
      }
    } catch (error) {
      this.onError(error);
      for (const hits of pending) for (const hit of hits) hit.reject(error);
    }
  }
}

/** The most hits of a key one replica takes from the shared count at once: a twentieth of its limit, at least one. */
const RESERVATION_FRACTION = 20;
/** Above this many keys, blocks whose window ended are dropped when the next one is reserved. */
const MAX_IDLE_BLOCKS = 10_000;

/** The largest block a limit of `max` reserves. */
export function reservationSize(max: number): number {
  return Math.max(1, Math.floor(max / RESERVATION_FRACTION));
}

/** The positions in a key's shared count that this replica reserved and has not handed out yet. */
interface Block {
  /** How many positions it reserved; the next block of the same window reserves twice as many, up to the limit's. */
  readonly size: number;
  /** The next position to hand out. */
  next: number;
  /** The last position reserved. */
  readonly last: number;
  /** When the key's window ends, on this process's clock. */
  readonly endsAt: number;
}

/**
 * Takes hits from the shared PostgreSQL count in blocks and hands the positions out locally, so that a busy key costs
 * a statement only every few requests instead of each time. A key's first block in a window is one hit, each next
 * one twice the last, up to a twentieth of the limit (3 at 60 a minute, 15 at 300): a key this replica sees rarely
 * costs what it did, one hit a statement, and wastes nothing. Every position is counted before it is used, so no
 * replica ever lets more than the limit through; what a replica reserved but did not use by the end of the window is
 * less than both what it used and the largest block, so a caller spread over R replicas may be refused at most
 * R × (largest block − 1) hits early. Limits of twenty or less take one hit at a time and are exact.
 */
export class ReservingCounter {
  readonly #blocks = new Map<string, Block>();
  readonly #reserving = new Map<string, Promise<void>>();

  constructor(
    private readonly counter: WindowCounter,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Counts one hit on `key` against a limit of `max` per `windowMs`. */
  async hit(key: string, windowMs: number, max: number): Promise<WindowCount> {
    for (;;) {
      const block = this.#blocks.get(key);
      const now = this.now();
      if (block && now < block.endsAt && block.next <= block.last) {
        const position = block.next;
        block.next += 1;
        return { hits: position, ttlMs: Math.ceil(block.endsAt - now) };
      }
      // One reservation per key at a time: a burst waits for it instead of reserving a block per request.
      const pending = this.#reserving.get(key);
      if (pending) {
        await pending;
        continue;
      }
      return this.#reserve(key, windowMs, max);
    }
  }

  async #reserve(key: string, windowMs: number, max: number): Promise<WindowCount> {
    const previous = this.#blocks.get(key);
    const sameWindow = previous !== undefined && this.now() < previous.endsAt;
    const size = sameWindow ? Math.min(reservationSize(max), previous.size * 2) : 1;
    let done = () => {};
    this.#reserving.set(key, new Promise<void>((resolve) => (done = resolve)));
    try {
      const counted = await this.counter.hit(key, windowMs, size);
      const first = counted.hits - size + 1;
      if (this.#blocks.size > MAX_IDLE_BLOCKS) this.#dropEnded();
      this.#blocks.set(key, { size, next: first + 1, last: counted.hits, endsAt: this.now() + counted.ttlMs });
      return { hits: first, ttlMs: counted.ttlMs };
    } finally {
      this.#reserving.delete(key);
      done();
    }
  }

  #dropEnded(): void {
    const now = this.now();
    for (const [key, block] of this.#blocks) if (block.endsAt <= now) this.#blocks.delete(key);
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
 * A `@fastify/rate-limit` store (its `store` option) over a {@link ReservingCounter}: the plugin keeps deciding (limits,
 * headers, 429s), PostgreSQL counts. A route's own limit (`config.rateLimit`) counts under keys prefixed with its
 * method and URL, so it never shares a row with the app-wide limits.
 */
export function postgresRateLimitStore(counter: ReservingCounter) {
  return class PostgresRateLimitStore {
    readonly #prefix: string;
    readonly #windowMs: number;

    // `object`: the plugin's typings declare a route's options, its code passes StoreOptions.
    constructor(options: object, prefix = '') {
      const { timeWindow } = options as StoreOptions;
      this.#prefix = prefix;
      this.#windowMs = typeof timeWindow === 'number' ? timeWindow : PLUGIN_DEFAULT_WINDOW_MS;
    }

    incr(key: string, callback: IncrCallback, timeWindow?: number, max?: number): void {
      // Without a limit (never, from the plugin's own limiters) every hit is counted one by one.
      counter.hit(this.#prefix + key, timeWindow ?? this.#windowMs, max ?? 1).then(
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
