// The notifier's jobs in the graphile-worker queue: their names and payloads. `notify_service_event` is added by the
// audit trail's trigger (packages/db, migration 0020), which spells the same name and payload; a webhook delivery job
// joins these as one more channel of the fan-out.

/** One audit event to classify and fan out to its recipients; added in the transaction that recorded the event. */
export const NOTIFY_SERVICE_EVENT = 'notify_service_event';
/** One notification's e-mail; added by the fan-out, in its transaction. */
export const SEND_NOTIFICATION_EMAIL = 'send_notification_email';

export interface NotifyServiceEventPayload {
  /** `service_events.id` (bigint, as text). */
  readonly eventId: string;
}

export interface SendNotificationEmailPayload {
  /** `notifications.id` (bigint, as text). */
  readonly notificationId: string;
}

function idField(payload: unknown, field: string): string {
  const value =
    typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new Error(`job payload without a numeric ${field}: ${JSON.stringify(payload)}`);
  }
  return value;
}

export function readNotifyServiceEvent(payload: unknown): NotifyServiceEventPayload {
  return { eventId: idField(payload, 'eventId') };
}

export function readSendNotificationEmail(payload: unknown): SendNotificationEmailPayload {
  return { notificationId: idField(payload, 'notificationId') };
}

export interface DeliverWebhookPayload {
  /** `webhook_deliveries.id` (bigint, as text). */
  readonly deliveryId: string;
}

export function readDeliverWebhook(payload: unknown): DeliverWebhookPayload {
  return { deliveryId: idField(payload, 'deliveryId') };
}
