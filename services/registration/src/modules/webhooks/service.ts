import { randomBytes, randomUUID } from 'node:crypto';
import { type Database, queueWebhookDelivery } from '@payerbox/db';
import type { NotificationType } from '@payerbox/domain';
import { SafeFetchError } from '@payerbox/safe-fetch';
import { type Keyring, seal } from '@payerbox/secret-box';
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { problems } from '../../errors.ts';
import { BIGINT_KEY, type PageRequest, readPage, toPage, UUID_KEY } from '../../pagination.ts';
import {
  type AttemptRecord,
  type DeliveryRecord,
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  insertTestDelivery,
  listAttempts,
  listDeliveries,
  listEndpoints,
  restartDelivery,
  updateEndpoint,
  type WebhookEndpointRecord,
} from './repository.ts';
import type {
  CreatedWebhookEndpointSchema,
  CreateWebhookEndpointSchema,
  UpdateWebhookEndpointSchema,
  WebhookDeliveryListSchema,
  WebhookDeliverySchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
} from './schemas.ts';

export interface WebhookContext {
  readonly db: Kysely<Database>;
  readonly keyring: Keyring;
  /** Refuses a URL the notifier's safe fetcher would refuse (throws its SafeFetchError). */
  readonly checkUrl: (url: string) => Promise<void>;
}

type EndpointView = Static<typeof WebhookEndpointSchema>;

function toView(record: WebhookEndpointRecord): EndpointView {
  return {
    id: record.id,
    url: record.url,
    events: record.events,
    status: record.failingSince ? 'failing' : 'active',
    failingSince: record.failingSince?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** A signing secret in the Standard Webhooks format: `whsec_` and 32 random bytes in base64. */
function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Refuses, as a field error of `url`, a URL deliveries could never reach (the same rules as the delivery's fetch). */
async function checkedUrl(context: WebhookContext, url: string): Promise<string> {
  try {
    await context.checkUrl(url);
  } catch (error) {
    if (!(error instanceof SafeFetchError)) throw error;
    throw problems.validation(
      [{ path: '/body/url', message: error.message }],
      `The webhook URL ${error.message}; the portal delivers only to public https addresses.`,
    );
  }
  return new URL(url).toString();
}

async function ownEndpoint(context: WebhookContext, ownerId: string, id: string): Promise<WebhookEndpointRecord> {
  const found = await findEndpoint(context.db, ownerId, id);
  if (!found) throw problems.notFound('The webhook endpoint');
  return found;
}

/** Registers an endpoint; the answer carries its signing secret, which is never shown again. */
export async function createWebhook(
  context: WebhookContext,
  ownerId: string,
  body: Static<typeof CreateWebhookEndpointSchema>,
): Promise<Static<typeof CreatedWebhookEndpointSchema>> {
  const url = await checkedUrl(context, body.url);
  const id = uuidv7();
  const secret = generateSigningSecret();
  const sealed = seal(context.keyring, secret, id);
  const record = await insertEndpoint(context.db, {
    id,
    ownerId,
    url,
    events: body.events as NotificationType[],
    secretCiphertext: sealed.ciphertext,
    secretKeyId: sealed.keyId,
  });
  return { ...toView(record), secret };
}

export async function listWebhookPage(
  context: WebhookContext,
  ownerId: string,
  query: PageRequest,
): Promise<Static<typeof WebhookEndpointListSchema>> {
  const window = readPage(query, UUID_KEY);
  const page = toPage(await listEndpoints(context.db, ownerId, window), window.limit, (row) => row.id);
  return { items: page.items.map(toView), nextCursor: page.nextCursor };
}

export async function getWebhook(context: WebhookContext, ownerId: string, id: string): Promise<EndpointView> {
  return toView(await ownEndpoint(context, ownerId, id));
}

export async function updateWebhook(
  context: WebhookContext,
  ownerId: string,
  id: string,
  body: Static<typeof UpdateWebhookEndpointSchema>,
): Promise<EndpointView> {
  await ownEndpoint(context, ownerId, id);
  const changes = {
    ...(body.url !== undefined && { url: await checkedUrl(context, body.url) }),
    ...(body.events !== undefined && { events: body.events as NotificationType[] }),
  };
  const updated = await updateEndpoint(context.db, ownerId, id, changes);
  if (!updated) throw problems.notFound('The webhook endpoint');
  return toView(updated);
}

export async function deleteWebhook(context: WebhookContext, ownerId: string, id: string): Promise<void> {
  if (!(await deleteEndpoint(context.db, ownerId, id))) throw problems.notFound('The webhook endpoint');
}

/** Queues a `webhook.test` delivery to the endpoint, signed and retried like an event; answers its delivery id. */
export async function sendTestDelivery(
  context: WebhookContext,
  ownerId: string,
  id: string,
): Promise<{ deliveryId: string }> {
  const endpoint = await ownEndpoint(context, ownerId, id);
  const payload = JSON.stringify({
    type: 'webhook.test',
    timestamp: new Date().toISOString(),
    data: { endpointId: endpoint.id, message: 'A test delivery from the Payerbox Backend Services portal.' },
  });
  const deliveryId = await context.db.transaction().execute(async (trx) => {
    const deliveryId = await insertTestDelivery(trx, {
      endpointId: endpoint.id,
      messageId: `test_${randomUUID()}`,
      payload,
    });
    await queueWebhookDelivery(trx, deliveryId);
    return deliveryId;
  });
  return { deliveryId };
}

type DeliveryView = Static<typeof WebhookDeliverySchema>;

function deliveryView(record: DeliveryRecord, attempts: readonly AttemptRecord[]): DeliveryView {
  return {
    id: record.id,
    webhookId: record.messageId,
    type: record.type,
    status: record.status,
    createdAt: record.createdAt.toISOString(),
    deliveredAt: record.deliveredAt?.toISOString() ?? null,
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      attemptedAt: attempt.attemptedAt.toISOString(),
      latencyMs: attempt.latencyMs,
      statusCode: attempt.statusCode,
      succeeded: attempt.succeeded,
      error: attempt.error,
    })),
  };
}

/** A page of the endpoint's delivery log, newest first, each delivery with every attempt. */
export async function listDeliveryPage(
  context: WebhookContext,
  ownerId: string,
  id: string,
  query: PageRequest,
): Promise<Static<typeof WebhookDeliveryListSchema>> {
  await ownEndpoint(context, ownerId, id);
  const window = readPage(query, BIGINT_KEY);
  const page = toPage(await listDeliveries(context.db, id, window), window.limit, (row) => row.id);
  const attempts = await listAttempts(
    context.db,
    page.items.map((item) => item.id),
  );
  return {
    items: page.items.map((item) =>
      deliveryView(
        item,
        attempts.filter((attempt) => attempt.deliveryId === item.id),
      ),
    ),
    nextCursor: page.nextCursor,
  };
}

/** Sends a delivery again, under the same `webhook-id`, with a fresh retry window. */
export async function redeliver(
  context: WebhookContext,
  ownerId: string,
  id: string,
  deliveryId: string,
): Promise<{ deliveryId: string }> {
  await ownEndpoint(context, ownerId, id);
  await context.db.transaction().execute(async (trx) => {
    const restarted = await restartDelivery(trx, id, deliveryId);
    if (!restarted) throw problems.notFound('The delivery');
    await queueWebhookDelivery(trx, restarted);
  });
  return { deliveryId };
}
