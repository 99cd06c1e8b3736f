import { type Database, queueWebhookDelivery } from '@payerbox/db';
import {
  assertNever,
  isWebhookEventType,
  type NotificationAudience,
  type NotificationRule,
  notificationForEvent,
} from '@payerbox/domain';
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import { queueNotificationEmails } from './email-queue.ts';
import { renderWebhookPayload, webhookMessageId } from './webhook-payload.ts';

export interface FanOutResult {
  /** Notifications created now (none when the event notifies nobody, or when a retried job had created them). */
  readonly notified: number;
  /** E-mails queued now: those of the new notifications whose recipient has not turned that kind off. */
  readonly emailsQueued: number;
  /** Webhook deliveries queued now: one per endpoint of the service's owner subscribed to the kind. */
  readonly webhooksQueued: number;
}

const NOTHING: FanOutResult = { notified: 0, emailsQueued: 0, webhooksQueued: 0 };

/** The users an audience names: the service's owner, every administrator, or both. */
function audienceOf(
  eb: ExpressionBuilder<Database, 'users'>,
  audience: NotificationAudience,
  ownerId: string,
): Expression<SqlBool> {
  const owner = eb('id', '=', ownerId);
  const admins = eb('role', '=', 'admin');
  switch (audience) {
    case 'owner':
      return owner;
    case 'admins':
      return admins;
    case 'owner_and_admins':
      return eb.or([owner, admins]);
    default:
      return assertNever(audience);
  }
}

interface FannedEvent {
  readonly eventId: string;
  readonly serviceId: string;
  readonly ownerId: string;
  readonly serviceName: string;
  readonly clientId: string;
  readonly serviceStatus: string | null;
  readonly detail: Record<string, unknown>;
  readonly createdAt: Date;
}

/**
 * Queues one delivery per endpoint of the service's owner that subscribes to the kind: events about a developer's own
 * services reach only that developer's endpoints. Unique per endpoint and event, so a retried fan-out queues nothing
 * twice.
 */
async function queueWebhooks(
  trx: Transaction<Database>,
  event: FannedEvent,
  rule: NotificationRule,
  publicUrl: string,
): Promise<number> {
  if (!isWebhookEventType(rule.type)) return 0;
  const payload = renderWebhookPayload({
    type: rule.type,
    eventId: event.eventId,
    occurredAt: event.createdAt,
    serviceId: event.serviceId,
    serviceName: event.serviceName,
    clientId: event.clientId,
    status: event.serviceStatus,
    detail: event.detail,
    publicUrl,
  });
  const created = await trx
    .insertInto('webhookDeliveries')
    .columns(['endpointId', 'eventId', 'messageId', 'type', 'payload'])
    .expression(
      trx
        .selectFrom('webhookEndpoints')
        .select([
          'id',
          sql<string>`cast(${event.eventId} as bigint)`.as('eventId'),
          sql<string>`${webhookMessageId(event.eventId)}`.as('messageId'),
          sql<string>`${rule.type}`.as('type'),
          sql<string>`${payload}`.as('payload'),
        ])
        .where('ownerId', '=', event.ownerId)
        .where(sql<boolean>`${rule.type} = any(events)`),
    )
    .onConflict((oc) => oc.columns(['endpointId', 'eventId']).doNothing())
    .returning(['id'])
    .execute();
  for (const delivery of created) await queueWebhookDelivery(trx, delivery.id);
  return created.length;
}

/**
 * Turns one audit event into its notifications, one per recipient, and queues the e-mails of those who want them, in
 * one transaction. Idempotent by event: a retry (the worker died after committing) finds the notifications made and
 * queues nothing again, so no e-mail is queued twice.
 */
export async function fanOutEvent(
  db: Kysely<Database>,
  eventId: string,
  options: { readonly emailMaxAttempts: number; readonly publicUrl: string },
): Promise<FanOutResult> {
  const event = await db
    .selectFrom('serviceEvents')
    .innerJoin('backendServices', 'backendServices.id', 'serviceEvents.serviceId')
    .select([
      'serviceEvents.action',
      'serviceEvents.serviceId',
      'serviceEvents.serviceStatus',
      'serviceEvents.detail',
      'serviceEvents.createdAt',
      'backendServices.ownerId',
      'backendServices.name as serviceName',
      'backendServices.clientId',
    ])
    .where('serviceEvents.id', '=', eventId)
    .executeTakeFirst();
  // An event the trigger queued is committed before its job can run; one that is not there was never committed.
  if (!event) return NOTHING;
  const rule = notificationForEvent(event.action);
  if (!rule) return NOTHING;
  return db.transaction().execute(async (trx) => {
    const webhooksQueued = await queueWebhooks(trx, { ...event, eventId }, rule, options.publicUrl);
    const recipients = trx.selectFrom('users').select('id');
    const created = await trx
      .insertInto('notifications')
      .columns(['userId', 'eventId', 'serviceId', 'type', 'occurredAt'])
      .expression(
        recipients
          .where((eb) => audienceOf(eb, rule.audience, event.ownerId))
          .select([
            sql<string>`cast(${eventId} as bigint)`.as('eventId'),
            sql<string>`cast(${event.serviceId} as uuid)`.as('serviceId'),
            sql<string>`${rule.type}`.as('type'),
            // The event's own time, read in SQL at full precision (a Date parameter would cut it to milliseconds).
            sql<Date>`(select created_at from service_events where id = cast(${eventId} as bigint))`.as('occurredAt'),
          ]),
      )
      .onConflict((oc) => oc.columns(['eventId', 'userId', 'type']).doNothing())
      .returning(['id'])
      .execute();
    if (created.length === 0) return { ...NOTHING, webhooksQueued };
    const emailsQueued = await queueNotificationEmails(
      trx,
      created.map((row) => row.id),
      options.emailMaxAttempts,
    );
    return { notified: created.length, emailsQueued, webhooksQueued };
  });
}
