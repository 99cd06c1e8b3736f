import type { Database } from '@payerbox/db';
import { type Kysely, sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** How one delivery attempt ended: `failed` attempts are retried with backoff, `skipped` ones had nothing to send. */
export type DeliveryOutcome = 'sent' | 'failed' | 'skipped';
/** Channels of delivery. */
export type Channel = 'email' | 'webhook';

export interface NotifierMetrics {
  readonly registry: Registry;
  delivery(channel: Channel, outcome: DeliveryOutcome): void;
  /** From the audit event to the delivery's acceptance (the SMTP server's, the receiver's 2xx), in milliseconds. */
  latency(channel: Channel, milliseconds: number): void;
  /** One service's key set re-checked (every URL of it), by verdict. */
  keySetCheck(verdict: 'pass' | 'fail'): void;
}

/**
 * The notifier's Prometheus metrics. Queue depth is read from PostgreSQL at scrape time (graphile-worker's `jobs`
 * view), so every replica reports the same shared queue (aggregate with `max`, not `sum`).
 */
export function createNotifierMetrics(db: Kysely<Database>): NotifierMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  new Gauge({
    name: 'notification_queue_depth',
    help: 'Notification jobs not yet done (waiting, in hand or due for a retry) by task',
    labelNames: ['task'] as const,
    registers,
    async collect() {
      const { rows } = await sql<{ task: string; count: string }>`
        select task_identifier as task, count(*) as count from graphile_worker.jobs
        where attempts < max_attempts group by task_identifier`.execute(db);
      this.reset();
      for (const row of rows) this.set({ task: row.task }, Number(row.count));
    },
  });
  new Gauge({
    name: 'notification_jobs_given_up',
    help: 'Notification jobs that used all their attempts (kept in the queue table, not dropped) by task',
    labelNames: ['task'] as const,
    registers,
    async collect() {
      const { rows } = await sql<{ task: string; count: string }>`
        select task_identifier as task, count(*) as count from graphile_worker.jobs
        where attempts >= max_attempts group by task_identifier`.execute(db);
      this.reset();
      for (const row of rows) this.set({ task: row.task }, Number(row.count));
    },
  });
  const deliveries = new Counter({
    name: 'notification_deliveries_total',
    help: 'Delivery attempts by channel and outcome (sent, failed: retried with backoff, skipped: nothing to send)',
    labelNames: ['channel', 'outcome'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'notification_delivery_latency_seconds',
    help: 'From the audit event to its delivery, by channel, in seconds',
    labelNames: ['channel'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    registers,
  });
  const keySetChecks = new Counter({
    name: 'key_set_checks_total',
    help: "Scheduled re-checks of Active services' key sets, by verdict (fail: at least one URL fails the live check)",
    labelNames: ['verdict'] as const,
    registers,
  });
  // Both verdicts from the start, so a scrape shows 0 rather than nothing before the first check.
  for (const verdict of ['pass', 'fail']) keySetChecks.inc({ verdict }, 0);
  return {
    registry,
    delivery(channel, outcome) {
      deliveries.inc({ channel, outcome });
    },
    latency(channel, milliseconds) {
      latency.observe({ channel }, milliseconds / 1000);
    },
    keySetCheck(verdict) {
      keySetChecks.inc({ verdict });
    },
  };
}
