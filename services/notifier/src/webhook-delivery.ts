import { type Database, queueWebhookDelivery } from '@payerbox/db';
import { nextWebhookAttemptDelay, type WebhookRetryPolicy } from '@payerbox/domain';
import { type SafeFetch, SafeFetchError } from '@payerbox/safe-fetch';
import { type Keyring, open } from '@payerbox/secret-box';
import { type Kysely, sql, type Transaction } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { queueNotificationEmails } from './email-queue.ts';

/** How one delivery job ended. A receiver's failure is an outcome (logged, retried later), not an exception. */
export type WebhookOutcome =
  | { readonly outcome: 'sent'; readonly attempt: number; readonly latencyMs: number; readonly sinceEventMs: number }
  | {
      readonly outcome: 'failed';
      readonly attempt: number;
      readonly latencyMs: number;
      readonly error: string;
      /** When the next attempt runs; null when the retry window is used up and the endpoint was marked failing. */
      readonly retryAt: Date | null;
    }
  | { readonly outcome: 'skipped'; readonly why: 'gone' | 'not_pending' };

export interface WebhookDeliverySettings {
  readonly keyring: Keyring;
  readonly retry: WebhookRetryPolicy;
  /** Attempts of the `webhook.failing` e-mail to the endpoint's owner. */
  readonly emailMaxAttempts: number;
}

/**
 * Tells the endpoint's owner, in-app and by e-mail (unless turned off), that it stopped receiving: a `webhook.failing`
 * notification about the event that could not be delivered. Called only when the endpoint turned failing, so once
 * per failure episode; a test delivery (no event) marks the endpoint without telling.
 */
async function notifyFailing(
  trx: Transaction<Database>,
  ownerId: string,
  eventId: string | null,
  emailMaxAttempts: number,
): Promise<void> {
  if (eventId === null) return;
  const created = await trx
    .insertInto('notifications')
    .columns(['userId', 'eventId', 'serviceId', 'type', 'occurredAt'])
    .expression(
      trx
        .selectFrom('serviceEvents')
        .select([
          sql<string>`cast(${ownerId} as uuid)`.as('userId'),
          'id',
          'serviceId',
          sql<'webhook.failing'>`'webhook.failing'`.as('type'),
          // Listed beside the event's own notification, at the event's time.
          'createdAt',
        ])
        .where('id', '=', eventId),
    )
    .onConflict((oc) => oc.columns(['eventId', 'userId', 'type']).doNothing())
    .returning('id')
    .execute();
  await queueNotificationEmails(
    trx,
    created.map((row) => row.id),
    emailMaxAttempts,
  );
}

/** The receiver's answer as the attempt's result: any 2xx is received; anything else, or no answer, is a failure. */
async function post(
  fetcher: SafeFetch,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ statusCode: number | null; error: string | null }> {
  try {
    const response = await fetcher(url, '*/*', { method: 'POST', headers, body });
    const ok = response.status >= 200 && response.status < 300;
    return { statusCode: response.status, error: ok ? null : `The endpoint answered HTTP ${response.status}.` };
  } catch (error) {
    if (!(error instanceof SafeFetchError)) throw error;
    return { statusCode: null, error: `The endpoint URL ${error.message}.` };
  }
}

/**
 * Makes one attempt of a webhook delivery: signs the stored payload per Standard Webhooks (`webhook-id` is the
 * delivery's, fixed; `webhook-timestamp` is now, so receivers' replay windows hold on retries), POSTs it through the
 * SSRF-safe fetcher, logs the attempt, and either closes the delivery or queues the next attempt with exponential
 * backoff. A delivery whose retry window is used up is given up and its endpoint marked failing. At least once: a
 * crash after the receiver answered and before the log is written sends the same `webhook-id` again.
 */
export async function deliverWebhook(
  db: Kysely<Database>,
  fetcher: SafeFetch,
  settings: WebhookDeliverySettings,
  deliveryId: string,
): Promise<WebhookOutcome> {
  const found = await db
    .selectFrom('webhookDeliveries')
    .innerJoin('webhookEndpoints', 'webhookEndpoints.id', 'webhookDeliveries.endpointId')
    .select((eb) => [
      'webhookDeliveries.messageId',
      'webhookDeliveries.payload',
      'webhookDeliveries.status',
      'webhookDeliveries.createdAt',
      'webhookDeliveries.roundStartedAt',
      'webhookDeliveries.endpointId',
      'webhookDeliveries.eventId',
      'webhookEndpoints.ownerId',
      'webhookEndpoints.url',
      'webhookEndpoints.secretCiphertext',
      'webhookEndpoints.secretKeyId',
      eb
        .selectFrom('webhookDeliveryAttempts')
        .select((inner) => inner.fn.countAll<string>().as('count'))
        .whereRef('webhookDeliveryAttempts.deliveryId', '=', 'webhookDeliveries.id')
        .as('attemptsSoFar'),
      eb
        .selectFrom('webhookDeliveryAttempts')
        .select((inner) => inner.fn.countAll<string>().as('count'))
        .whereRef('webhookDeliveryAttempts.deliveryId', '=', 'webhookDeliveries.id')
        .whereRef('webhookDeliveryAttempts.attemptedAt', '>=', 'webhookDeliveries.roundStartedAt')
        .as('attemptsThisRound'),
    ])
    .where('webhookDeliveries.id', '=', deliveryId)
    .executeTakeFirst();
  // The endpoint was deleted with its log, or a redelivery's job found it received already.
  if (!found) return { outcome: 'skipped', why: 'gone' };
  if (found.status !== 'pending') return { outcome: 'skipped', why: 'not_pending' };
  const attempt = Number(found.attemptsSoFar ?? 0) + 1;
  const roundAttempt = Number(found.attemptsThisRound ?? 0) + 1;
  const secret = open(
    settings.keyring,
    { keyId: found.secretKeyId, ciphertext: found.secretCiphertext },
    found.endpointId,
  );
  const attemptedAt = new Date();
  const headers = {
    'content-type': 'application/json',
    'webhook-id': found.messageId,
    'webhook-timestamp': String(Math.floor(attemptedAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(found.messageId, attemptedAt, found.payload),
  };
  const started = performance.now();
  const answer = await post(fetcher, found.url, headers, found.payload);
  const latencyMs = Math.round(performance.now() - started);
  return db.transaction().execute(async (trx): Promise<WebhookOutcome> => {
    await trx
      .insertInto('webhookDeliveryAttempts')
      .values({
        deliveryId,
        attempt,
        attemptedAt,
        latencyMs,
        statusCode: answer.statusCode,
        succeeded: answer.error === null,
        error: answer.error,
      })
      .execute();
    if (answer.error === null) {
      await trx
        .updateTable('webhookDeliveries')
        .set({ status: 'delivered', deliveredAt: new Date() })
        .where('id', '=', deliveryId)
        .execute();
      await trx
        .updateTable('webhookEndpoints')
        .set({ failingSince: null })
        .where('id', '=', found.endpointId)
        .where('failingSince', 'is not', null)
        .execute();
      return { outcome: 'sent', attempt, latencyMs, sinceEventMs: Date.now() - found.createdAt.getTime() };
    }
    const elapsedMs = Date.now() - found.roundStartedAt.getTime();
    const delay = nextWebhookAttemptDelay(settings.retry, roundAttempt, elapsedMs);
    if (delay !== null) {
      const retryAt = new Date(Date.now() + delay);
      await queueWebhookDelivery(trx, deliveryId, retryAt);
      return { outcome: 'failed', attempt, latencyMs, error: answer.error, retryAt };
    }
    await trx.updateTable('webhookDeliveries').set({ status: 'failed' }).where('id', '=', deliveryId).execute();
    const turnedFailing = await trx
      .updateTable('webhookEndpoints')
      .set({ failingSince: new Date() })
      .where('id', '=', found.endpointId)
      .where('failingSince', 'is', null)
      .returning('id')
      .execute();
    if (turnedFailing.length > 0) {
      await notifyFailing(trx, found.ownerId, found.eventId, settings.emailMaxAttempts);
    }
    return { outcome: 'failed', attempt, latencyMs, error: answer.error, retryAt: null };
  });
}
