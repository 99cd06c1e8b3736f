import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../errors.ts';
import { sessionCookie } from '../modules/auth/session-cookie.ts';
import { currentUser } from '../modules/users/current-user.ts';
import { SAFE_METHODS } from './authentication.ts';
import { postgresRateLimitStore, ReservingCounter, WindowCounter } from './rate-limit-store.ts';

const MINUTE_MS = 60_000;

/**
 * Never limited, and never waiting on the database: the platform's probes and scraper. A throttled liveness probe
 * restarts a healthy pod, and `/api/health` must answer while PostgreSQL is away.
 */
const UNLIMITED_ROUTES = new Set(['/api/health', '/api/ready', '/metrics']);

/** At most this many over-limit addresses are remembered (an attacker may own many); the oldest go first. */
const MAX_REMEMBERED_ADDRESSES = 10_000;

/** Whole seconds until a window ends, at least one (a window ending now still refuses in this millisecond). */
const secondsUntil = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs / 1000));

/** The 429 problem: which limit, and when to retry (also as `Retry-After`, in seconds). */
export function tooManyRequests(limit: string, ttlMs: number, headers: Record<string, string> = {}): ProblemError {
  const seconds = secondsUntil(ttlMs);
  return new ProblemError({
    status: 429,
    code: 'rate_limited',
    title: 'Too many requests',
    detail: `${limit}; try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    headers: { ...headers, 'retry-after': String(seconds) },
  });
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

interface Limit {
  /** Counts the request (the plugin's limiter over the PostgreSQL store) and says whether it went over. */
  readonly count: Limiter;
  /** Names the limit in a 429's detail: "At most 60 changes a minute per user". */
  readonly describe: (max: number) => string;
}

/** The headers @fastify/rate-limit sets on the routes it limits itself; reset in seconds. */
function limitHeaders(max: number, remaining: number, ttlMs: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(max),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(secondsUntil(ttlMs)),
  };
}

/**
 * Counts the request against every limit at once (one statement). When any is over, the request is refused (retry when
 * the last of those resets; `onRefused` hears of it first); otherwise the `x-ratelimit-*` headers report the limit
 * closest to refusing.
 */
async function enforce(
  request: FastifyRequest,
  reply: FastifyReply,
  limits: readonly Limit[],
  onRefused: (ttlMs: number) => void = () => {},
): Promise<void> {
  const verdicts = await Promise.all(limits.map((limit) => limit.count(request)));
  const counted = verdicts.flatMap((verdict, index) => {
    const limit = limits[index];
    return verdict.isAllowed || !limit ? [] : [{ verdict, limit }];
  });
  const over = counted.filter(({ verdict }) => verdict.isExceeded).sort((a, b) => b.verdict.ttl - a.verdict.ttl)[0];
  if (over) {
    const { verdict, limit } = over;
    onRefused(verdict.ttl);
    throw tooManyRequests(limit.describe(verdict.max), verdict.ttl, limitHeaders(verdict.max, 0, verdict.ttl));
  }
  const tightest = counted.sort((a, b) => a.verdict.remaining - b.verdict.remaining)[0]?.verdict;
  if (tightest) reply.headers(limitHeaders(tightest.max, tightest.remaining, tightest.ttl));
}

/**
 * The addresses this replica has seen go over the anonymous limit, until their window ends. A request with
 * credentials is known to be anonymous only once they fail, too late to count it before it runs: it is counted after,
 * and refused up front from here on, so that guessing tokens stays bounded.
 */
class OverLimitAddresses {
  readonly #until = new Map<string, number>();

  add(address: string, ttlMs: number): void {
    this.#until.delete(address);
    if (this.#until.size >= MAX_REMEMBERED_ADDRESSES) {
      const now = Date.now();
      for (const [known, until] of this.#until) if (until <= now) this.#until.delete(known);
      const oldest = this.#until.keys().next();
      if (this.#until.size >= MAX_REMEMBERED_ADDRESSES && !oldest.done) this.#until.delete(oldest.value);
    }
    this.#until.set(address, Date.now() + ttlMs);
  }

  /** Milliseconds until the address may send again; undefined when it may now. */
  remainingMs(address: string): number | undefined {
    const until = this.#until.get(address);
    if (until === undefined) return undefined;
    const remaining = until - Date.now();
    if (remaining > 0) return remaining;
    this.#until.delete(address);
    return undefined;
  }
}

/**
 * Abuse limits, counted in PostgreSQL so that they hold across replicas (see the README's Rate limits):
 * - every state-changing request of a signed-in user, per user and per client address;
 * - every request that ends without a signed-in user (public reads, sign-in, failed authentication), per address;
 * - routes' own limits (`config.rateLimit`, e.g. the JWKS checks) on top.
 * Signed-in reads are not limited. When PostgreSQL cannot count, requests go through (logged): they need it anyway.
 */
export const rateLimitsPlugin = fp(
  async (app: FastifyInstance) => {
    const { rateLimits: limits, mode } = app.config;
    const counter = new WindowCounter(app.db, (error) =>
      app.log.warn({ err: error }, 'rate limits could not be counted; requests go through unlimited meanwhile'),
    );
    await app.register(rateLimit, {
      global: false,
      // Routes' own limits count the user, known after authentication.
      hook: 'preHandler',
      store: postgresRateLimitStore(new ReservingCounter(counter)),
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        tooManyRequests(`At most ${context.max} requests a minute on this route`, context.ttl),
    });

    const limit = (name: string, max: number, key: (request: FastifyRequest) => string) =>
      app.createRateLimit({ max, timeWindow: MINUTE_MS, keyGenerator: (request) => `${name}:${key(request)}` });
    const writesPerUser: Limit = {
      count: limit('writes-per-user', limits.writesPerUser, (request) => currentUser(request).id),
      describe: (max) => `At most ${max} changes a minute per user`,
    };
    const writesPerAddress: Limit = {
      count: limit('writes-per-address', limits.writesPerAddress, (request) => request.ip),
      describe: (max) => `At most ${max} changes a minute from one address`,
    };
    const anonymous: Limit = {
      count: limit('anonymous-per-address', limits.anonymousPerAddress, (request) => request.ip),
      describe: (max) => `At most ${max} requests a minute from one address without signing in`,
    };

    const cookieName = sessionCookie(mode === 'production').name;
    const hasCredentials = (request: FastifyRequest) =>
      request.headers.authorization !== undefined || request.cookies[cookieName] !== undefined;
    const unlimited = (request: FastifyRequest) => UNLIMITED_ROUTES.has(request.routeOptions.url ?? '');
    const overLimit = new OverLimitAddresses();
    /** Requests already counted as anonymous, or refused, before authentication. */
    const settled = new WeakSet<FastifyRequest>();

    // Before authentication: requests without credentials are anonymous, whatever the route.
    app.addHook('onRequest', async (request, reply) => {
      if (unlimited(request)) return;
      const waitMs = overLimit.remainingMs(request.ip);
      if (waitMs !== undefined) {
        settled.add(request);
        const max = limits.anonymousPerAddress;
        throw tooManyRequests(anonymous.describe(max), waitMs, limitHeaders(max, 0, waitMs));
      }
      if (hasCredentials(request)) return;
      settled.add(request);
      await enforce(request, reply, [anonymous], (ttlMs) => overLimit.add(request.ip, ttlMs));
    });

    // After authentication, before the body is validated: invalid changes count too.
    app.addHook('preValidation', async (request, reply) => {
      if (SAFE_METHODS.has(request.method) || request.user === null) return;
      await enforce(request, reply, [writesPerUser, writesPerAddress]);
    });

    // Credentials that did not make a signed-in user (failed, or sent to a public route): anonymous after all.
    app.addHook('onSend', async (request, _reply, payload) => {
      if (settled.has(request) || request.user !== null || unlimited(request)) return payload;
      const verdict = await anonymous.count(request);
      if (!verdict.isAllowed && verdict.isExceeded) overLimit.add(request.ip, verdict.ttl);
      return payload;
    });
  },
  { name: 'rate-limits', dependencies: ['database', 'authentication'] },
);
