import { parseArgs } from 'node:util';

/** How hard and how long the benchmark pushes each scenario. */
export interface BenchOptions {
  /** Measured seconds per scenario. */
  readonly durationSeconds: number;
  /** Unmeasured seconds before each scenario, so that JIT, pools and caches are warm when counting starts. */
  readonly warmupSeconds: number;
  /** Concurrent HTTP connections (keep-alive) of the load generator. */
  readonly connections: number;
  /** The short run that proves the harness works (smaller provisioning matrix too). */
  readonly quick: boolean;
}

const USAGE = 'usage: pnpm bench [--duration SECONDS | --quick] [--connections N]';

// Warm-up: measured second by second, both servers take 3–5 s from a cold start to a steady rate (JIT, pools).
const DEFAULTS: BenchOptions = { durationSeconds: 10, warmupSeconds: 3, connections: 50, quick: false };
const QUICK_SECONDS = 2;
const QUICK_WARMUP_SECONDS = 1;

export class UsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${USAGE}`);
    this.name = 'UsageError';
  }
}

// Upper bounds keep a typo from turning the run into an hour-long one (the run must stay bounded in time).
function positiveInteger(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`--${flag} must be a whole number from 1 to ${max}, not "${text}"`);
  }
  return value;
}

/** Reads the command line (`pnpm bench -- --quick` passes a leading `--`, which is skipped). */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values: { duration?: string; connections?: string; quick?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        duration: { type: 'string' },
        connections: { type: 'string' },
        quick: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.quick && values.duration !== undefined) throw new UsageError('--quick and --duration exclude each other');
  const fallbackDuration = values.quick ? QUICK_SECONDS : DEFAULTS.durationSeconds;
  return {
    durationSeconds: positiveInteger('duration', values.duration, fallbackDuration, 600),
    warmupSeconds: values.quick ? QUICK_WARMUP_SECONDS : DEFAULTS.warmupSeconds,
    connections: positiveInteger('connections', values.connections, DEFAULTS.connections, 1000),
    quick: values.quick === true,
  };
}
