import { createDb } from '@payerbox/db';
import { sql } from 'kysely';
import { type LocalStack, startLocalStack } from './local-stack.ts';

export interface ProvisioningSettings {
  /** Added by the emulators before every answer. */
  readonly latencyMs: number;
  /** In-process provisioner workers (each with the default concurrency). */
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
}

const SERVICE = { authMethod: 'client_secret', scopeVersion: 'v2', scopes: ['system/Patient.rs'] } as const;
const POLL_MS = 5;
const LIMIT_MS = 120_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

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
    const { id, clientId, clientSecret } = created.body;
    await stack.waitForEnvironment(id, 'sandbox', 'ready', LIMIT_MS);
    await stack.developer.api('POST', `/backend-services/${id}/submit`);
    const tokenUrl = `${stack.emulators.production.url}/auth/token`;
    const started = performance.now();
    await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {});
    await until(async () => ((await tokenGranted(tokenUrl, clientId, clientSecret)) ? true : undefined), 'a token');
    latencies.push(performance.now() - started);
  }
  return latencies.sort((a, b) => a - b);
}

/** Queues `count` services with no worker running, then times the workers draining them. */
async function drainRate(stack: LocalStack, workers: number, count: number): Promise<number> {
  const created = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      stack.developer.api('POST', '/backend-services', { ...SERVICE, name: `Backlog ${i}` }),
    ),
  );
  const ids = created.map((r) => r.body.id as string);
  const db = createDb({ databaseUrl: stack.databaseUrl, poolSize: 1 });
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: workers }, () => stack.startWorker()));
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
    return count / ((performance.now() - started) / 1000);
  } finally {
    await db.destroy();
  }
}

/** One provisioning measurement on a fresh local stack (fresh emulators, same database). */
export async function measureProvisioning(
  databaseUrl: string,
  settings: ProvisioningSettings,
): Promise<ProvisioningResult> {
  const throughputStack = await startLocalStack(databaseUrl, { latencyMs: settings.latencyMs });
  let servicesPerSecond: number;
  try {
    servicesPerSecond = await drainRate(throughputStack, settings.workers, settings.backlog);
  } finally {
    await throughputStack.close();
  }
  const latencyStack = await startLocalStack(databaseUrl, { latencyMs: settings.latencyMs });
  try {
    await Promise.all(Array.from({ length: settings.workers }, () => latencyStack.startWorker()));
    const latencies = await approvalLatencies(latencyStack, settings.approvals);
    return {
      ...settings,
      approvalP50Ms: percentile(latencies, 50),
      approvalP99Ms: percentile(latencies, 99),
      servicesPerSecond,
    };
  } finally {
    await latencyStack.close();
  }
}
