import type { Database, WebhookDeliveryStatus } from '@payerbox/db';
import type { NotificationType } from '@payerbox/domain';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export interface WebhookEndpointRecord {
  readonly id: string;
  readonly url: string;
  readonly events: NotificationType[];
  readonly failingSince: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const ENDPOINT_COLUMNS = ['id', 'url', 'events', 'failingSince', 'createdAt', 'updatedAt'] as const;

export async function insertEndpoint(
  db: Db,
  row: {
    id: string;
    ownerId: string;
    url: string;
    events: NotificationType[];
    secretCiphertext: Buffer;
    secretKeyId: string;
  },
): Promise<WebhookEndpointRecord> {
  return db.insertInto('webhookEndpoints').values(row).returning(ENDPOINT_COLUMNS).executeTakeFirstOrThrow();
}

/** A page of the owner's endpoints, newest first (UUIDv7 ids), after `before` (webhook_endpoints_owner_idx). */
export async function listEndpoints(
  db: Db,
  ownerId: string,
  window: { readonly before?: string; readonly limit: number },
): Promise<WebhookEndpointRecord[]> {
  let query = db.selectFrom('webhookEndpoints').select(ENDPOINT_COLUMNS).where('ownerId', '=', ownerId);
  if (window.before !== undefined) query = query.where('id', '<', window.before);
  return query
    .orderBy('id', 'desc')
    .limit(window.limit + 1)
    .execute();
}

/** The owner's endpoint `id`; undefined for another's, as for one that does not exist. */
export async function findEndpoint(db: Db, ownerId: string, id: string): Promise<WebhookEndpointRecord | undefined> {
  return db
    .selectFrom('webhookEndpoints')
    .select(ENDPOINT_COLUMNS)
    .where('id', '=', id)
    .where('ownerId', '=', ownerId)
    .executeTakeFirst();
}

export async function updateEndpoint(
  db: Db,
  ownerId: string,
  id: string,
  changes: { url?: string; events?: NotificationType[] },
): Promise<WebhookEndpointRecord | undefined> {
  return db
    .updateTable('webhookEndpoints')
    .set({ ...changes, updatedAt: new Date() })
    .where('id', '=', id)
    .where('ownerId', '=', ownerId)
    .returning(ENDPOINT_COLUMNS)
    .executeTakeFirst();
}

/** Deletes the owner's endpoint with its delivery log; false when the owner has no such endpoint. */
export async function deleteEndpoint(db: Db, ownerId: string, id: string): Promise<boolean> {
  const rows = await db
    .deleteFrom('webhookEndpoints')
    .where('id', '=', id)
    .where('ownerId', '=', ownerId)
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function insertTestDelivery(
  db: Db,
  row: { endpointId: string; messageId: string; payload: string },
): Promise<string> {
  const inserted = await db
    .insertInto('webhookDeliveries')
    .values({ ...row, type: 'webhook.test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly messageId: string;
  readonly type: string;
  readonly status: WebhookDeliveryStatus;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

export interface AttemptRecord {
  readonly deliveryId: string;
  readonly attempt: number;
  readonly attemptedAt: Date;
  readonly latencyMs: number;
  readonly statusCode: number | null;
  readonly succeeded: boolean;
  readonly error: string | null;
}

/** A page of an endpoint's deliveries, newest first, after `before` (webhook_deliveries_endpoint_idx). */
export async function listDeliveries(
  db: Db,
  endpointId: string,
  window: { readonly before?: string; readonly limit: number },
): Promise<DeliveryRecord[]> {
  let query = db
    .selectFrom('webhookDeliveries')
    .select(['id', 'messageId', 'type', 'status', 'createdAt', 'deliveredAt'])
    .where('endpointId', '=', endpointId);
  if (window.before !== undefined) query = query.where('id', '<', window.before);
  return query
    .orderBy('id', 'desc')
    .limit(window.limit + 1)
    .execute();
}

/** Every attempt of the deliveries named, in order. */
export async function listAttempts(db: Db, deliveryIds: readonly string[]): Promise<AttemptRecord[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('webhookDeliveryAttempts')
    .select(['deliveryId', 'attempt', 'attemptedAt', 'latencyMs', 'statusCode', 'succeeded', 'error'])
    .where('deliveryId', 'in', deliveryIds)
    .orderBy('deliveryId')
    .orderBy('attempt')
    .execute();
}

/**
 * Starts a new round of attempts of one of the endpoint's deliveries (a redelivery): pending again, its retry window
 * counted from now. Undefined when the endpoint has no such delivery.
 */
export async function restartDelivery(db: Db, endpointId: string, deliveryId: string): Promise<string | undefined> {
  const row = await db
    .updateTable('webhookDeliveries')
    .set({ status: 'pending', roundStartedAt: new Date() })
    .where('id', '=', deliveryId)
    .where('endpointId', '=', endpointId)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
