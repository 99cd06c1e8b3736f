import { createDb } from '@payerbox/db';
import { PROVISIONING_CHANNEL } from '@payerbox/provisioning-outbox';
import { sql } from 'kysely';
import { percentile } from './bench-stats.ts';
import { freePort } from './embedded-postgres.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';
import { type ManagedProcess, peakRssMb, runProcess, waitForHttp } from './processes.ts';

export interface ProvisioningSettings {
  /** Added by the emulators before every answer. */
  readonly latencyMs: number;
  /** Provisioner processes (replicas), each with the default concurrency. */
  readonly workers: number;
  /** Services approved one after the other for the latency measurement. */
  readonly approvals: number;
  /** Services queued at once for the throughput measurement. */
  readonly backlog: number;
}

export interface ProvisioningResult extends ProvisioningSettings {
  /** Approval request sent → the production token endpoint grants a token. */
  readonly approvalP50Ms: number;
  readonly approvalP99Ms: number;
  /** Sandbox clients provisioned per second while draining the backlog. */
  readonly servicesPerSecond: number;
  /** The largest peak resident set of a provisioner process in this cell, in MB. */
  readonly provisionerPeakRssMb: number | undefined;
}

const SERVICE = { authMethod: 'client_secret', scopeVersion: 'v2', scopes: ['system/Patient.rs'] } as const;
const POLL_MS = 5;
const LIMIT_MS = 120_000;

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + LIMIT_MS;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`bench: ${what} did not happen within ${LIMIT_MS} ms`);
}

async function tokenGranted(tokenUrl: string, clientId: string, secret: string): Promise<boolean> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  await response.arrayBuffer();
  return response.ok;
}

/** Time from the approval request to the first production token, for services approved one at a time. */
async function approvalLatencies(stack: LocalStack, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const created = await stack.developer.api('POST', '/backend-services', { ...SERVICE, name: `Approve ${i}` });
    const { id, clientId } = created.body;
    await stack.waitForEnvironment(id, 'sandbox', 'ready', LIMIT_MS);
    await stack.developer.api('POST', `/backend-services/${id}/submit`);
    const tokenUrl = `${stack.emulators.production.url}/auth/token`;
    const started = performance.now();
    await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {});
    // Production takes its own secret, issued by the approval (the sandbox secret is refused there).
    const secret = (await stack.developer.api('POST', `/backend-services/${id}/production-secret`)).body.clientSecret;
    await until(async () => ((await tokenGranted(tokenUrl, clientId, secret)) ? true : undefined), 'a token');
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** Starts `count` provisioner processes on the stack and waits until each is ready. */
async function startProvisioners(stack: LocalStack, entry: string, count: number): Promise<ManagedProcess[]> {
  const started: ManagedProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const env = {
        ...stack.provisionerEnv(),
        LOG_LEVEL: 'warn',
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(port),
      };
      const provisioner = runProcess(`provisioner-${i + 1}`, entry, env);
      started.push(provisioner);
      await waitForHttp(`http://127.0.0.1:${port}/ready`, provisioner);
    }
    return started;
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(processes: readonly ManagedProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
}

/** The largest peak RSS among the processes (read before they stop). */
async function largestPeakRss(processes: readonly ManagedProcess[]): Promise<number | undefined> {
  const peaks = (await Promise.all(processes.map(peakRssMb))).filter((mb): mb is number => mb !== undefined);
  return peaks.length > 0 ? Math.max(...peaks) : undefined;
}

/**
 * Queues `count` services whose jobs are held back, starts the provisioners, then releases the jobs at once and times
 * the drain (process start-up is not part of it).
 */
async function drainRate(
  stack: LocalStack,
  entry: string,
  workers: number,
  count: number,
): Promise<{ servicesPerSecond: number; peakRssMb: number | undefined }> {
  const created = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      stack.developer.api('POST', '/backend-services', { ...SERVICE, name: `Backlog ${i}` }),
    ),
  );
  const ids = created.map((r) => r.body.id as string);
  const db = createDb({ databaseUrl: stack.databaseUrl, poolSize: 1 });
  let provisioners: ManagedProcess[] = [];
  try {
    await db.updateTable('provisioningJobs').set({ runAt: sql`now() + interval '1 hour'` }).execute();
    provisioners = await startProvisioners(stack, entry, workers);
    const started = performance.now();
    await sql`with released as (update provisioning_jobs set run_at = now() returning 1)
              select pg_notify(${sql.lit(PROVISIONING_CHANNEL)}, 'bench')`.execute(db);
    await until(async () => {
      const row = await db
        .selectFrom('serviceEnvironments')
        .select(sql<string>`count(*)`.as('ready'))
        .where('serviceId', 'in', ids)
        .where('environment', '=', 'sandbox')
        .where('state', '=', 'ready')
        .executeTakeFirstOrThrow();
      return Number(row.ready) === count ? true : undefined;
    }, 'the backlog');
    const servicesPerSecond = count / ((performance.now() - started) / 1000);
    return { servicesPerSecond, peakRssMb: await largestPeakRss(provisioners) };
  } finally {
    await stopAll(provisioners);
    await db.destroy();
  }
}

/**
 * One provisioning measurement on fresh local stacks (fresh emulators, same database): the drain, then the
 * approvals, each with `settings.workers` provisioner processes running the bundle at `provisionerEntry`.
 */
export async function measureProvisioning(
  databaseUrl: string,
  provisionerEntry: string,
  settings: ProvisioningSettings,
): Promise<ProvisioningResult> {
  const throughputStack = await startLocalStack(databaseUrl, { latencyMs: settings.latencyMs });
  let drain: Awaited<ReturnType<typeof drainRate>>;
  try {
    drain = await drainRate(throughputStack, provisionerEntry, settings.workers, settings.backlog);
  } finally {
    await throughputStack.close();
  }
  const latencyStack = await startLocalStack(databaseUrl, { latencyMs: settings.latencyMs });
  let provisioners: ManagedProcess[] = [];
  try {
    provisioners = await startProvisioners(latencyStack, provisionerEntry, settings.workers);
    const latencies = await approvalLatencies(latencyStack, settings.approvals);
    const approvalPeak = await largestPeakRss(provisioners);
    return {
      ...settings,
      approvalP50Ms: percentile(latencies, 50),
      approvalP99Ms: percentile(latencies, 99),
      servicesPerSecond: drain.servicesPerSecond,
      provisionerPeakRssMb: Math.max(drain.peakRssMb ?? 0, approvalPeak ?? 0) || undefined,
    };
  } finally {
    await stopAll(provisioners);
    await latencyStack.close();
  }
}
