import { EventEmitter } from 'node:events';
import { type Database, DELIVER_WEBHOOK, JOB_QUEUE_SCHEMA } from '@payerbox/db';
import { createSafeFetcher, type SafeFetch } from '@payerbox/safe-fetch';
import { Logger, makeWorkerUtils, type Runner, run, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Transporter } from 'nodemailer';
import type { Logger as PinoLogger } from 'pino';
import type { NotifierConfig } from './config.ts';
import { deliverNotificationEmail } from './email-delivery.ts';
import { fanOutEvent } from './fan-out.ts';
import {
  NOTIFY_SERVICE_EVENT,
  readDeliverWebhook,
  readNotifyServiceEvent,
  readSendNotificationEmail,
  SEND_NOTIFICATION_EMAIL,
} from './jobs.ts';
import { startLease } from './lease.ts';
import type { NotifierMetrics } from './metrics.ts';
import { type RecurringWork, recurringTasks, scheduleRecurring } from './recurring.ts';
import { deliverWebhook } from './webhook-delivery.ts';

export interface NotifierOptions {
  readonly config: NotifierConfig;
  readonly db: Kysely<Database>;
  readonly transport: Transporter;
  readonly logger: PinoLogger;
  readonly metrics: NotifierMetrics;
  /** Work repeated on a schedule beside the notification jobs (see recurring.ts). */
  readonly recurring?: readonly RecurringWork[];
}

/** Receivers' answers are read only for their status; a larger body than this fails the attempt. */
const WEBHOOK_RESPONSE_MAX_BYTES = 1024 * 1024;

/** Webhook deliveries' only HTTP client: the SSRF-safe fetcher with the webhook timeout and loopback rule. */
function webhookFetcher(config: NotifierConfig): SafeFetch {
  return createSafeFetcher({
    allowLoopback: config.webhooks.allowLoopback,
    timeoutMs: config.webhooks.timeoutMs,
    maxBytes: WEBHOOK_RESPONSE_MAX_BYTES,
    userAgent: 'payerbox-backend-services-portal (webhook)',
  });
}

export interface Notifier {
  /** Stops taking jobs, lets the ones in hand finish (their jobs are released), and stops beating. */
  stop(): Promise<void>;
}

/** graphile-worker's log lines through the service's pino logger (and so through its redaction). */
function graphileLogger(logger: PinoLogger): Logger {
  return new Logger((scope) => {
    const scoped = logger.child({ queue: scope });
    return (level, message, meta) => {
      const details = { ...meta };
      // graphile-worker's info is a line per job run ("Completed task …"): debug here, where the notifier logs what
      // each job did itself.
      if (level === 'error') scoped.error(details, message);
      else if (level === 'warning') scoped.warn(details, message);
      else scoped.debug(details, message);
    };
  });
}

function tasks(options: NotifierOptions): TaskList {
  const { config, db, transport, logger, metrics } = options;
  const fetcher = webhookFetcher(config);
  return {
    ...recurringTasks(options.recurring ?? [], logger),
    async [NOTIFY_SERVICE_EVENT](payload) {
      const { eventId } = readNotifyServiceEvent(payload);
      const result = await fanOutEvent(db, eventId, {
        emailMaxAttempts: config.emailMaxAttempts,
        publicUrl: config.publicUrl,
      });
      if (result.notified > 0 || result.webhooksQueued > 0) logger.info({ eventId, ...result }, 'event fanned out');
    },
    async [DELIVER_WEBHOOK](payload) {
      const { deliveryId } = readDeliverWebhook(payload);
      const result = await deliverWebhook(
        db,
        fetcher,
        { ...config.webhooks, emailMaxAttempts: config.emailMaxAttempts },
        deliveryId,
      );
      metrics.delivery('webhook', result.outcome);
      if (result.outcome === 'sent') {
        metrics.latency('webhook', result.sinceEventMs);
        logger.info({ deliveryId, attempt: result.attempt, latencyMs: result.latencyMs }, 'webhook delivered');
      } else if (result.outcome === 'failed') {
        logger.warn(
          { deliveryId, attempt: result.attempt, err: result.error, retryAt: result.retryAt?.toISOString() ?? null },
          result.retryAt ? 'webhook not delivered; retrying later' : 'webhook given up; endpoint marked failing',
        );
      }
    },
    async [SEND_NOTIFICATION_EMAIL](payload, helpers) {
      const { notificationId } = readSendNotificationEmail(payload);
      try {
        const result = await deliverNotificationEmail(
          db,
          transport,
          { from: config.smtp.from, publicUrl: config.publicUrl },
          notificationId,
        );
        metrics.delivery('email', result.outcome);
        if (result.outcome === 'sent') {
          metrics.latency('email', result.latencyMs);
          logger.info({ notificationId, latencyMs: result.latencyMs }, 'e-mail sent');
        }
      } catch (error) {
        // Thrown on: graphile-worker retries the job with exponential backoff (an outage delays, never drops).
        metrics.delivery('email', 'failed');
        logger.warn(
          {
            notificationId,
            attempt: helpers.job.attempts,
            err: error instanceof Error ? error.message : String(error),
          },
          'e-mail not delivered; retrying later',
        );
        throw error;
      }
    },
  };
}

/** Runs the notification jobs with graphile-worker until stopped, with the lease that recovers a crashed worker's. */
export async function startNotifier(options: NotifierOptions): Promise<Notifier> {
  const { config, db, logger } = options;
  const connection = { connectionString: config.databaseUrl, schema: JOB_QUEUE_SCHEMA };
  const utils = await makeWorkerUtils({ ...connection, maxPoolSize: 1, logger: graphileLogger(logger) });
  const lease = startLease(db, {
    leaseMs: config.leaseMs,
    unlockWorkers: (ids) => utils.forceUnlockWorkers(ids),
    log: logger,
  });
  // Listening before run(): its workers are created (and start taking jobs) while it starts.
  const events = new EventEmitter() as WorkerEvents;
  events.on('worker:create', ({ worker }) => lease.register(worker.workerId));
  events.on('worker:stop', ({ worker }) => lease.unregister(worker.workerId));
  let runner: Runner;
  try {
    await scheduleRecurring(utils, options.recurring ?? []);
    runner = await run({
      ...connection,
      maxPoolSize: config.databasePoolSize,
      concurrency: config.concurrency,
      pollInterval: config.pollIntervalMs,
      // The process's own shutdown (service-runtime) stops the runner: one owner of SIGTERM.
      noHandleSignals: true,
      logger: graphileLogger(logger),
      taskList: tasks(options),
      // No cron: what repeats is a recurring work (recurring.ts), and graphile-worker must not read a `crontab` file
      // from whatever directory the process runs in.
      parsedCronItems: [],
      events,
    });
  } catch (error) {
    await lease.stop();
    await utils.release();
    throw error;
  }
  return {
    async stop() {
      await runner.stop();
      await lease.stop();
      await utils.release();
    },
  };
}
