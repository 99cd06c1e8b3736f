import autocannon from 'autocannon';

/** One HTTP request shape, fired over and over at one server. */
export interface Scenario {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON when present. */
  readonly body?: unknown;
}

export interface LoadSettings {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly method: Scenario['method'];
  /** The target's port changes every run, so only the path is kept. */
  readonly path: string;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Latency percentiles of 2xx responses (autocannon records only those). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Readonly<Record<string, number>>;
}

function autocannonOptions(scenario: Scenario, connections: number): autocannon.Options {
  const json = scenario.body === undefined ? undefined : JSON.stringify(scenario.body);
  return {
    url: scenario.url,
    method: scenario.method,
    headers: json === undefined ? { ...scenario.headers } : { ...scenario.headers, 'content-type': 'application/json' },
    ...(json !== undefined && { body: json }),
    connections,
    // The load generator gets its own thread: on the server's event loop it would steal the time being measured.
    workers: 1,
    // Per request; a stuck request is counted as an error instead of stretching the run.
    timeout: 10,
  };
}

function summarise(scenario: Scenario, result: autocannon.Result): ScenarioResult {
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
  );
  return {
    scenario: scenario.name,
    method: scenario.method,
    path: new URL(scenario.url).pathname,
    requests: result.requests.total,
    requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

/** Warms the route up (not counted), then measures it for the configured duration. */
export async function runScenario(scenario: Scenario, load: LoadSettings): Promise<ScenarioResult> {
  const options = autocannonOptions(scenario, load.connections);
  if (load.warmupSeconds > 0) await autocannon({ ...options, duration: load.warmupSeconds });
  return summarise(scenario, await autocannon({ ...options, duration: load.durationSeconds }));
}
