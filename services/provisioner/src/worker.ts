import { randomBytes } from 'node:crypto';
import { AidboxError } from '@payerbox/aidbox';
import { listenForNotifications, type NotificationListener } from '@payerbox/db';
import {
  type ClaimedJob,
  claimJobs,
  completeJob,
  failJob,
  PROVISIONING_CHANNEL,
  queueDriftChecks,
  retryJob,
} from '@payerbox/provisioning-outbox';
import type { Logger } from 'pino';
import { backoffDelay } from './backoff.ts';
import { PermanentError, type ReconcileDeps, reconcile } from './reconcile.ts';
import { switchDueCutovers } from './secret-cutovers.ts';

export interface WorkerOptions extends ReconcileDeps {
  readonly databaseUrl: string;
  readonly logger: Logger;
  readonly workerId?: string | undefined;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly resyncIntervalMs: number;
  /** How often cutovers past their deadline are switched (see secret-cutovers.ts). */
  readonly secretCutoverIntervalMs: number;
  readonly maxAttempts: number;
  readonly maxBackoffMs: number;
  /** How long a claimed job stays this worker's before another may take it over. */
  readonly leaseMs?: number;
  /** Told each finished attempt's outcome (metrics). */
  readonly onJobFinished?: ((environment: ClaimedJob['environment'], outcome: JobOutcome) => void) | undefined;
}

export type JobOutcome = 'succeeded' | 'retried' | 'failed';

export interface Worker {
  readonly id: string;
  start(): Promise<void>;
  /** Stops claiming, finishes the jobs in hand, then closes its listener. */
  stop(): Promise<void>;
  /** Jobs finished by outcome since start (for tests, logs and metrics). */
  readonly stats: { completed: number; retried: number; failed: number; writes: number };
}

// Long enough for several Aidbox calls with their timeouts and retries; a dead worker's jobs wait this long.
const DEFAULT_LEASE_MS = 120_000;
const DRIFT_BATCH = 500;
const CUTOVER_BATCH = 100;

/** Error text that is safe to store and show: what failed, never a secret (the Aidbox client redacts its own). */
function describe(error: unknown): string {
  if (error instanceof AidboxError || error instanceof PermanentError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return 'unknown error';
}

function isRetryable(error: unknown): boolean {
  if (error instanceof PermanentError) return false;
  if (error instanceof AidboxError) return error.retryable;
  // Database hiccups and the like: worth another attempt.
  return true;
}

/**
 * A provisioning worker: claims due jobs (LISTEN/NOTIFY wakes it, polling backs that up), reconciles each, and
 * records the outcome. Failed attempts back off exponentially with full jitter; after `maxAttempts` the environment
 * is marked failed. A periodic pass queues drift checks for environments not verified recently.
 */
export function createWorker(options: WorkerOptions): Worker {
  const id = options.workerId ?? `provisioner-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = options.logger.child({ worker: id });
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const stats = { completed: 0, retried: 0, failed: 0, writes: 0 };
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let wake: (() => void) | undefined;
  // A nudge that arrives while the loop is busy claiming must not be lost: it cancels the next sleep.
  let nudged = false;
  let loopDone: Promise<void> | undefined;
  let listener: NotificationListener | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let cutoverTimer: NodeJS.Timeout | undefined;

  const nudge = () => {
    nudged = true;
    wake?.();
  };

  async function handle(job: ClaimedJob): Promise<void> {
    try {
      const outcome = await reconcile(options, job);
      stats.writes += outcome.writes;
      await completeJob(options.db, job, outcome.state);
      stats.completed++;
      options.onJobFinished?.(job.environment, 'succeeded');
      log.debug({ job: job.id, service: job.serviceId, env: job.environment, ...outcome }, 'reconciled');
    } catch (error) {
      const message = describe(error);
      if (isRetryable(error) && job.attempts < options.maxAttempts) {
        const delay = backoffDelay(job.attempts, options.maxBackoffMs, error);
        await retryJob(options.db, job, message, delay);
        // The retry is due without a NOTIFY: wake up for it rather than waiting for the next poll.
        setTimeout(nudge, delay).unref();
        stats.retried++;
        options.onJobFinished?.(job.environment, 'retried');
        log.warn({ job: job.id, env: job.environment, attempt: job.attempts, delay, err: message }, 'retrying');
      } else {
        await failJob(options.db, job, message);
        stats.failed++;
        options.onJobFinished?.(job.environment, 'failed');
        log.error({ job: job.id, service: job.serviceId, env: job.environment, err: message }, 'gave up');
      }
    }
  }

  function track(job: ClaimedJob): void {
    const done = handle(job)
      .catch((error: unknown) => log.error({ job: job.id, err: describe(error) }, 'could not record the outcome'))
      .finally(() => {
        inFlight.delete(done);
        nudge();
      });
    inFlight.add(done);
  }

  async function loop(): Promise<void> {
    while (running) {
      nudged = false;
      const free = options.concurrency - inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await claimJobs(options.db, id, free, leaseMs);
          claimed = jobs.length;
          for (const job of jobs) track(job);
        } catch (error) {
          log.error({ err: describe(error) }, 'could not claim jobs');
        }
      }
      // More may be due right away when a full batch came back; otherwise sleep until woken or the poll interval.
      if (running && !nudged && (claimed === 0 || claimed < free)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  async function resyncPass(): Promise<void> {
    try {
      const queued = await queueDriftChecks(options.db, options.resyncIntervalMs, DRIFT_BATCH);
      if (queued > 0) log.info({ queued }, 'queued drift checks');
    } catch (error) {
      log.error({ err: describe(error) }, 'could not queue drift checks');
    }
  }

  async function cutoverPass(): Promise<void> {
    try {
      const switched = await switchDueCutovers(options.db, CUTOVER_BATCH);
      if (switched > 0) log.info({ switched }, 'switched secret cutovers past their deadline');
    } catch (error) {
      log.error({ err: describe(error) }, 'could not switch secret cutovers');
    }
  }

  return {
    id,
    stats,
    async start() {
      running = true;
      // A lost listener only costs latency: polling goes on while it reconnects.
      listener = await listenForNotifications({
        databaseUrl: options.databaseUrl,
        channel: PROVISIONING_CHANNEL,
        onNotification: nudge,
        onError: (error) => log.warn({ err: error.message }, 'listener lost; polling continues'),
      });
      resyncTimer = setInterval(() => void resyncPass(), options.resyncIntervalMs);
      resyncTimer.unref();
      cutoverTimer = setInterval(() => void cutoverPass(), options.secretCutoverIntervalMs);
      cutoverTimer.unref();
      loopDone = loop();
      log.info({ concurrency: options.concurrency }, 'provisioner worker started');
    },
    async stop() {
      running = false;
      if (resyncTimer) clearInterval(resyncTimer);
      if (cutoverTimer) clearInterval(cutoverTimer);
      nudge();
      await loopDone;
      await Promise.all(inFlight);
      await listener?.close();
      log.info(stats, 'provisioner worker stopped');
    },
  };
}
