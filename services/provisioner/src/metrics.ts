import type { RequestObservation } from '@payerbox/aidbox';
import type { Database } from '@payerbox/db';
import type { Environment } from '@payerbox/domain';
import { dueJobs } from '@payerbox/provisioning-outbox';
import type { Kysely } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { JobOutcome } from './worker.ts';

export interface ProvisionerMetrics {
  readonly registry: Registry;
  /** Counts one finished attempt of a job. */
  jobFinished(environment: Environment, outcome: JobOutcome): void;
  /** An `onRequest` observer for the Aidbox client of `environment`. */
  aidboxObserver(environment: Environment): (observation: RequestObservation) => void;
}

/**
 * The provisioner's Prometheus metrics. The queue gauges are read from PostgreSQL at scrape time, so every replica
 * reports the same shared queue (aggregate them with `max`, not `sum`).
 */
export function createProvisionerMetrics(db: Kysely<Database>): ProvisionerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Both gauges come from one query per scrape: the first collect() reads, the second reuses its answer.
  let pending: Promise<{ count: number; oldestAgeSeconds: number }> | undefined;
  const readQueue = () => {
    pending ??= dueJobs(db).finally(() => {
      setImmediate(() => {
        pending = undefined;
      });
    });
    return pending;
  };
  new Gauge({
    name: 'provisioning_queue_depth',
    help: 'Provisioning jobs due now (waiting or in hand)',
    registers,
    async collect() {
      this.set((await readQueue()).count);
    },
  });
  new Gauge({
    name: 'provisioning_queue_oldest_age_seconds',
    help: 'How long the oldest due provisioning job has been due, in seconds (0 when none is)',
    registers,
    async collect() {
      this.set((await readQueue()).oldestAgeSeconds);
    },
  });
  const jobs = new Counter({
    name: 'provisioning_jobs_total',
    help: 'Finished provisioning job attempts by environment and outcome (succeeded, retried, failed)',
    labelNames: ['environment', 'outcome'] as const,
    registers,
  });
  const aidboxDuration = new Histogram({
    name: 'aidbox_request_duration_seconds',
    help: 'Aidbox HTTP exchanges (each retry counts) by environment, method, operation and outcome',
    labelNames: ['environment', 'method', 'operation', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const aidboxErrors = new Counter({
    name: 'aidbox_request_errors_total',
    help: 'Aidbox HTTP exchanges that failed (timeout, network, unexpected status) by environment, operation and outcome',
    labelNames: ['environment', 'operation', 'outcome'] as const,
    registers,
  });
  return {
    registry,
    jobFinished(environment, outcome) {
      jobs.inc({ environment, outcome });
    },
    aidboxObserver(environment) {
      return (observation) => {
        const { method, operation, outcome } = observation;
        aidboxDuration.observe({ environment, method, operation, outcome }, observation.durationMs / 1000);
        if (outcome !== 'ok') aidboxErrors.inc({ environment, operation, outcome });
      };
    },
  };
}
