import { type NotificationType, notificationReason } from '@payerbox/domain';

/** What a webhook's `data` says about the event: enough for a receiver to act without calling the portal back. */
export interface WebhookEventFacts {
  readonly type: NotificationType;
  readonly eventId: string;
  readonly occurredAt: Date;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly clientId: string;
  readonly status: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly publicUrl: string;
}

/**
 * The JSON body of an event's webhook, `{ type, timestamp, data }` (Standard Webhooks' recommended envelope), written
 * once when the delivery is queued so that every attempt and redelivery sends the same bytes under the same signature
 * input.
 */
export function renderWebhookPayload(facts: WebhookEventFacts): string {
  return JSON.stringify({
    type: facts.type,
    timestamp: facts.occurredAt.toISOString(),
    data: {
      eventId: facts.eventId,
      service: {
        id: facts.serviceId,
        name: facts.serviceName,
        clientId: facts.clientId,
        status: facts.status,
      },
      reason: notificationReason(facts.detail),
      links: {
        service: `${facts.publicUrl}/services/${facts.serviceId}`,
        api: `${facts.publicUrl}/api/v1/backend-services/${facts.serviceId}`,
      },
    },
  });
}

/** The `webhook-id` of an event's deliveries: the audit event's id, the same on every attempt and endpoint. */
export function webhookMessageId(eventId: string): string {
  return `evt_${eventId}`;
}
