import { once } from 'node:events';
import { createServer } from 'node:http';
import { createDb, queueWebhookDelivery } from '@payerbox/db';
import { percentile } from './bench-stats.ts';
import { freePort } from './embedded-postgres.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';
import { runProcess, waitForHttp } from './processes.ts';

export interface WebhookBenchResult {
  /** Decisions made one after the other for the latency measurement. */
  readonly decisions: number;
  /** Approval request sent → the signed webhook arrives at a receiver on loopback. */
  readonly decisionToArrivalP50Ms: number;
  readonly decisionToArrivalP99Ms: number;
  /** Deliveries queued at once for the throughput measurement. */
  readonly backlog: number;
  /** Deliveries per second one notifier process (default concurrency) makes to a local receiver. */
  readonly deliveriesPerSecond: number;
}

const SERVICE = { authMethod: 'client_secret', scopeVersion: 'v2', scopes: ['system/Patient.rs'] } as const;
const LIMIT_MS = 120_000;
const NOTIFIER_ENTRY = 'services/notifier/src/server.ts';

/** A receiver on loopback that answers 204 and reports each body as it arrives. */
async function startReceiver(onBody: (body: string) => void) {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(204).end();
      onBody(Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/hooks`, close: () => server.close() };
}

/** Resolves when `predicate` holds for an arriving body, or fails after the limit. */
function arrival(waiters: Set<(body: string) => void>, predicate: (body: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: a webhook did not arrive in time')), LIMIT_MS);
    const waiter = (body: string) => {
      if (!predicate(body)) return;
      clearTimeout(timer);
      waiters.delete(waiter);
      resolve();
    };
    waiters.add(waiter);
  });
}

/** Everyone on the stack turns e-mail off, so the notifier's one worker delivers webhooks only. */
async function emailOff(stack: LocalStack): Promise<void> {
  const types = (await stack.developer.api('GET', '/notification-preferences')).body.email as Record<string, boolean>;
  const off = { email: Object.fromEntries(Object.keys(types).map((type) => [type, false])) };
  await stack.developer.api('PUT', '/notification-preferences', off);
  await stack.admin.api('PUT', '/notification-preferences', off);
}

/**
 * The time from an administrator's decision to its webhook's arrival at a receiver on loopback, decisions made one at a
 * time, and the rate at which one notifier process delivers a backlog of deliveries to that receiver.
 */
export async function measureWebhooks(
  serverUrl: string,
  settings: { readonly decisions: number; readonly backlog: number },
): Promise<WebhookBenchResult> {
  const stack = await startLocalStack(serverUrl);
  const waiters = new Set<(body: string) => void>();
  const receiver = await startReceiver((body) => {
    for (const waiter of [...waiters]) waiter(body);
  });
  const metricsPort = await freePort();
  const notifier = runProcess('notifier', NOTIFIER_ENTRY, {
    DATABASE_URL: stack.databaseUrl,
    SECRET_ENCRYPTION_KEYS: stack.keyring,
    ALLOW_LOOPBACK_JWKS: 'true',
    SANDBOX_AIDBOX_URL: stack.emulators.sandbox.url,
    PRODUCTION_AIDBOX_URL: stack.emulators.production.url,
    LOG_LEVEL: 'warn',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(await freePort()),
    SMTP_TLS: 'none',
    MAIL_FROM: 'Payerbox portal <no-reply@bench.test>',
    METRICS_PORT: String(metricsPort),
  });
  const db = createDb({ databaseUrl: stack.databaseUrl, poolSize: 2 });
  try {
    await waitForHttp(`http://127.0.0.1:${metricsPort}/ready`, notifier);
    await emailOff(stack);
    const endpoint = await stack.developer.api('POST', '/webhooks', {
      url: receiver.url,
      events: ['service.approved'],
    });
    if (endpoint.status !== 201) throw new Error(`bench: webhook not registered: ${JSON.stringify(endpoint.body)}`);

    const latencies: number[] = [];
    for (let i = 0; i < settings.decisions; i++) {
      const created = await stack.developer.api('POST', '/backend-services', { ...SERVICE, name: `Hooked ${i}` });
      const id = created.body.id as string;
      await stack.developer.api('POST', `/backend-services/${id}/submit`);
      const arrived = arrival(waiters, (body) => body.includes(id));
      const started = performance.now();
      await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {});
      await arrived;
      latencies.push(performance.now() - started);
    }

    // The backlog: test deliveries of the same endpoint, queued in one transaction, timed from its commit.
    let remaining = settings.backlog;
    const drained = arrival(waiters, (body) => body.includes('"webhook.test"') && --remaining === 0);
    const payload = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: {} });
    await db.transaction().execute(async (trx) => {
      const rows = await trx
        .insertInto('webhookDeliveries')
        .values(
          Array.from({ length: settings.backlog }, (_, n) => ({
            endpointId: endpoint.body.id as string,
            messageId: `bench_${n}`,
            type: 'webhook.test',
            payload,
          })),
        )
        .returning('id')
        .execute();
      for (const row of rows) await queueWebhookDelivery(trx, row.id);
    });
    // From the commit: the queued jobs are invisible to the notifier before it.
    const from = performance.now();
    await drained;
    const seconds = (performance.now() - from) / 1000;
    return {
      decisions: settings.decisions,
      decisionToArrivalP50Ms: percentile(latencies, 50),
      decisionToArrivalP99Ms: percentile(latencies, 99),
      backlog: settings.backlog,
      deliveriesPerSecond: settings.backlog / seconds,
    };
  } finally {
    await db.destroy();
    await notifier.stop(10_000);
    receiver.close();
    await stack.close();
  }
}

/** The result as lines of the summary and the Markdown report. */
export function webhookLines(result: WebhookBenchResult): string[] {
  return [
    `decision → signed webhook at a loopback receiver (${result.decisions} approvals one at a time): p50 ${result.decisionToArrivalP50Ms.toFixed(0)} ms, p99 ${result.decisionToArrivalP99Ms.toFixed(0)} ms`,
    `one notifier process (default concurrency) delivering a backlog of ${result.backlog}: ${result.deliveriesPerSecond.toFixed(0)} deliveries/s`,
  ];
}
