import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

/**
 * One webhook delivery's next attempt, a job of the notifier's queue (graphile-worker). Queued by the notifier's
 * fan-out and its retries, and by the registration service for test deliveries and redeliveries: both meet here.
 */
export const DELIVER_WEBHOOK = 'deliver_webhook';

/**
 * Attempts graphile-worker makes of one delivery job. A receiver's failure does not throw (the notifier records it and
 * schedules the next attempt itself, with the configured backoff); only the notifier's own errors (its database
 * unreachable) do, and those are retried by the queue.
 */
const JOB_MAX_ATTEMPTS = 25;

/**
 * Queues the next attempt of delivery `deliveryId`, at `runAt` or at once, in the caller's transaction. The job key
 * keeps one job per delivery: queueing again (a redelivery while a retry waits) moves the waiting one instead.
 */
export async function queueWebhookDelivery(
  db: Kysely<Database> | Transaction<Database>,
  deliveryId: string,
  runAt?: Date,
): Promise<void> {
  await sql`select graphile_worker.add_job(
    ${DELIVER_WEBHOOK}, json_build_object('deliveryId', ${deliveryId}::text),
    run_at => ${runAt ?? null}::timestamptz,
    max_attempts => ${JOB_MAX_ATTEMPTS}::int,
    job_key => ${`webhook-delivery-${deliveryId}`}::text
  )`.execute(db);
}
