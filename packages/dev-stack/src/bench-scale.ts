// The scale benchmark: the admin list, its searches and the review queue at growing numbers of services (issue #10).
// One database grows from size to size; at each, every case is timed through the real API over loopback and its SQL
// is explained with the same parameters.
import { loadavg } from 'node:os';
import { createDb, type Database, type ServiceStatusColumn } from '@payerbox/db';
import { encodeCursor, listServicesQuery, reviewQueueQuery } from '@payerbox/registration/test-support';
import { CompiledQuery, type Kysely } from 'kysely';
import { executionTime, type ScaleCaseResult, type ScaleReport, type ScaleSeeding } from './bench-scale-report.ts';
import { growServices, NAME_WORD, type SeededService, seededService, settle } from './bench-scale-seed.ts';
import { percentile } from './bench-stats.ts';
import { startOurs, type Target } from './bench-targets.ts';

export { formatScaleSummary, type ScaleReport, scaleMarkdown } from './bench-scale-report.ts';

const ADMIN_PREFIX = '/api/v1/admin';
const PAGE_SIZE = 20;

/** Sizes and request counts: the quick run only proves that the harness works. */
interface ScaleSettings {
  readonly sizes: readonly number[];
  readonly warmups: number;
  readonly requests: number;
  /** For the cases expected to grow with the table (one warm-up each), which would otherwise dominate the run. */
  readonly slowRequests: number;
}

/** Passes through all cases that share each case's requests. */
const ROUNDS = 10;
/** EXPLAIN ANALYZE runs per case and size; the report keeps the median's plan. */
const EXPLAINED_RUNS = 5;

const FULL: ScaleSettings = { sizes: [10_000, 100_000, 1_000_000], warmups: 20, requests: 200, slowRequests: 10 };
const QUICK: ScaleSettings = { sizes: [1000, 10_000], warmups: 2, requests: 20, slowRequests: 3 };

/** The admin list's query parameters, as the repository takes them (`before` is the cursor's key). */
interface ListParameters {
  readonly status?: ServiceStatusColumn;
  readonly q?: string;
  readonly before?: string;
}

/** One request shape: an admin list page with a filter, or (without `list`) the review queue's first page. */
interface ScaleCase {
  readonly name: string;
  readonly list?: ListParameters;
  readonly flatExpected: boolean;
}

/** The cases at one size; `middle` is the service halfway down the list. */
function scaleCases(middle: SeededService): ScaleCase[] {
  const flat = (name: string, list: ListParameters): ScaleCase => ({ name, list, flatExpected: true });
  return [
    flat('first page', {}),
    flat('page in the middle', { before: middle.id }),
    flat('status under_review (1 %)', { status: 'under_review' }),
    flat('status active (60 %)', { status: 'active' }),
    flat('search client id fragment (1 match)', { q: middle.clientId.slice(3, 15) }),
    flat('search whole client id (1 match)', { q: middle.clientId }),
    flat('search owner e-mail (1 owner)', { q: middle.ownerEmail }),
    flat('search word in every name', { q: NAME_WORD }),
    flat('search vendor (1 in 16)', { q: 'northwind' }),
    flat('search without match', { q: 'no-such-text' }),
    { name: 'review queue', flatExpected: true },
    { name: 'search 2 characters without match', list: { q: 'qx' }, flatExpected: false },
  ];
}

function requestPath(scaleCase: ScaleCase): string {
  const list = scaleCase.list;
  if (list === undefined) return `${ADMIN_PREFIX}/review-queue?limit=${PAGE_SIZE}`;
  const query = new URLSearchParams({
    ...(list.status !== undefined && { status: list.status }),
    ...(list.q !== undefined && { q: list.q }),
    limit: String(PAGE_SIZE),
    ...(list.before !== undefined && { cursor: encodeCursor(list.before) }),
  });
  return `${ADMIN_PREFIX}/backend-services?${query}`;
}

/** The SQL the route runs for the case, built by the same repository function. */
function caseQuery(db: Kysely<Database>, scaleCase: ScaleCase): CompiledQuery {
  const list = scaleCase.list;
  if (list === undefined) return reviewQueueQuery(db, { limit: PAGE_SIZE }).compile();
  return listServicesQuery(db, { ...list, limit: PAGE_SIZE }).compile();
}

async function explainAnalyze(db: Kysely<Database>, query: CompiledQuery): Promise<string> {
  const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain (analyze, buffers, format text) ${query.sql}`, [...query.parameters]),
  );
  return result.rows.map((row) => row['QUERY PLAN']).join('\n');
}

/** The plan of the median of `runs` explained runs: one run alone may have met a burst of other work. */
async function medianPlan(db: Kysely<Database>, query: CompiledQuery, runs: number): Promise<string> {
  const plans: string[] = [];
  for (let i = 0; i < runs; i++) plans.push(await explainAnalyze(db, query));
  plans.sort((a, b) => executionTime(a) - executionTime(b));
  return plans[Math.floor(plans.length / 2)] ?? '';
}

/** One GET, timed until the whole body has arrived; answers the number of items on the page. */
async function timedGet(
  url: string,
  headers: Readonly<Record<string, string>>,
): Promise<{ ms: number; items: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`bench: GET ${url} answered ${response.status}: ${text}`);
  return { ms, items: (JSON.parse(text) as { items: unknown[] }).items.length };
}

/** A case at one size, with what its requests have measured so far. */
interface CaseRun {
  readonly scaleCase: ScaleCase;
  readonly path: string;
  readonly requests: number;
  readonly latencies: number[];
  items: number;
}

/**
 * Sequential requests (latency per page, not throughput under load) after a warm-up. Each case's requests are spread
 * over several rounds through all cases, so that a burst of other work on the machine lands on every case a little
 * instead of on one case entirely.
 */
async function timeCases(api: Target, cases: readonly ScaleCase[], settings: ScaleSettings): Promise<CaseRun[]> {
  const runs: CaseRun[] = cases.map((scaleCase) => ({
    scaleCase,
    path: requestPath(scaleCase),
    requests: scaleCase.flatExpected ? settings.requests : settings.slowRequests,
    latencies: [],
    items: 0,
  }));
  for (const run of runs) {
    const warmups = run.scaleCase.flatExpected ? settings.warmups : 1;
    for (let i = 0; i < warmups; i++) await timedGet(`${api.baseUrl}${run.path}`, api.headers);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const run of runs) {
      const share = Math.round(((round + 1) * run.requests) / ROUNDS) - Math.round((round * run.requests) / ROUNDS);
      for (let i = 0; i < share; i++) {
        const response = await timedGet(`${api.baseUrl}${run.path}`, api.headers);
        run.latencies.push(response.ms);
        run.items = response.items;
      }
    }
  }
  return runs;
}

/** The registration API with its bench developer promoted to admin before any request can have read the role. */
async function startAdminApi(databaseUrl: string, db: Kysely<Database>, registrationEntry: string | undefined) {
  const api = await startOurs(databaseUrl, registrationEntry);
  await db.updateTable('users').set({ role: 'admin' }).where('id', '=', api.ownerId).execute();
  return api;
}

async function seconds<T>(work: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export interface ScaleOptions {
  readonly quick: boolean;
  /** The registration service's bundle (startOurs' default when absent): it must contain the current source. */
  readonly registrationEntry?: string;
}

/**
 * Grows the services of the (migrated, throwaway) database through each size, measuring every case at each. The
 * database keeps the seeded services afterwards.
 */
export async function measureScale(databaseUrl: string, options: ScaleOptions): Promise<ScaleReport> {
  const settings = options.quick ? QUICK : FULL;
  // Seeding a million services takes a while in one statement; requests keep the API's own timeout.
  const db = createDb({ databaseUrl, poolSize: 1, statementTimeoutMs: 600_000 });
  const seeding: ScaleSeeding[] = [];
  const results: ScaleCaseResult[] = [];
  try {
    const api = await startAdminApi(databaseUrl, db, options.registrationEntry);
    try {
      let seeded = 0;
      for (const size of settings.sizes) {
        console.log(`# scale: growing to ${size} services`);
        const seedSeconds = await seconds(() => growServices(db, seeded, size));
        seeded = size;
        const settleSeconds = await seconds(() => settle(db));
        seeding.push({ size, seedSeconds, settleSeconds, loadAverage: loadavg()[0] ?? 0 });
        const middle = await seededService(db, Math.ceil(size / 2));
        for (const run of await timeCases(api, scaleCases(middle), settings)) {
          const plan = await medianPlan(
            db,
            caseQuery(db, run.scaleCase),
            run.scaleCase.flatExpected ? EXPLAINED_RUNS : 1,
          );
          results.push({
            case: run.scaleCase.name,
            size,
            path: run.path,
            flatExpected: run.scaleCase.flatExpected,
            requests: run.requests,
            p50Ms: percentile(run.latencies, 50),
            p95Ms: percentile(run.latencies, 95),
            items: run.items,
            plan,
            executionMs: executionTime(plan),
          });
        }
      }
    } finally {
      await api.close();
    }
  } finally {
    await db.destroy();
  }
  return { quick: options.quick, sizes: settings.sizes, seeding, results };
}
