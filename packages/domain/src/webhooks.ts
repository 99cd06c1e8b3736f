/**
 * Webhooks (issue 22, "Webhooks"): which notification kinds a developer's endpoint can subscribe to, what each means,
 * and when a failed delivery is tried again. Pure rules; the registration service validates subscriptions with them
 * and the notifier schedules retries with them.
 */
import { assertNever } from './lifecycle.ts';
import { API_TOKEN_EXPIRY_NOTICE_DAYS, NOTIFICATION_TYPES, type NotificationType } from './notifications.ts';

/**
 * Whether a kind of notification is also sent to webhooks: every event about one service, which its owner's endpoints
 * receive. Over every {@link NotificationType}, so a new kind does not compile until someone decides.
 */
const SENT_BY_WEBHOOK: { readonly [T in NotificationType]: boolean } = {
  'service.submitted': true,
  'service.approved': true,
  'service.rejected': true,
  'service.returned': true,
  'service.deactivated': true,
  'service.retired': true,
  'secret.rotated': true,
  'change_request.submitted': true,
  'change_request.approved': true,
  'change_request.rejected': true,
  'provisioning.failed': true,
  // The owner's automation can page whoever publishes the key set.
  'service.jwks_failing': true,
  // About the endpoint itself, which is not receiving: told in-app and by e-mail instead.
  'webhook.failing': false,
  // About a person's API token, not a service: webhooks tell about services.
  'api_token.expiring': false,
};

/** The event types a webhook endpoint subscribes to (`events` of `POST /api/v1/webhooks`), in the domain's order. */
export const WEBHOOK_EVENT_TYPES: readonly NotificationType[] = NOTIFICATION_TYPES.filter(
  (type) => SENT_BY_WEBHOOK[type],
);

/** Whether `type` names an event a webhook can subscribe to. */
export function isWebhookEventType(type: string): type is NotificationType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

/** When an endpoint receives the event, as one sentence (the developer portal's event picker). */
export function describeWebhookEvent(type: NotificationType): string {
  switch (type) {
    case 'service.submitted':
      return 'You submitted one of your services for review.';
    case 'service.approved':
      return 'An administrator approved one of your services; it is going live in production.';
    case 'service.rejected':
      return 'An administrator rejected one of your services, with the reason.';
    case 'service.returned':
      return 'An administrator returned one of your services to you for changes, with the reason.';
    case 'service.deactivated':
      return 'An administrator deactivated one of your services, with the reason.';
    case 'service.retired':
      return 'One of your services was retired.';
    case 'secret.rotated':
      return 'The client secret of one of your services was rotated.';
    case 'change_request.submitted':
      return 'A change to one of your live services was sent for review.';
    case 'change_request.approved':
      return 'A change to one of your live services was approved and applied in production.';
    case 'change_request.rejected':
      return 'A change to one of your live services was rejected, with the reason.';
    case 'provisioning.failed':
      return 'Provisioning one of your services into an environment failed after its retries, with the last error.';
    case 'webhook.failing':
      return 'One of your webhook endpoints did not accept an event within the retry window.';
    case 'api_token.expiring':
      return `One of your API tokens will expire within ${API_TOKEN_EXPIRY_NOTICE_DAYS} days (not sent by webhook).`;
    case 'service.jwks_failing':
      return 'The key set URL of one of your active services started failing its scheduled check, with what it found.';
    default:
      return assertNever(type);
  }
}

/** How failed deliveries are retried: exponential backoff from `baseMs`, each wait at most `maxDelayMs`. */
export interface WebhookRetryPolicy {
  readonly baseMs: number;
  readonly maxDelayMs: number;
  /** From the first attempt: no attempt starts after this; then the endpoint is marked failing. */
  readonly windowMs: number;
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failed (attempt 1 is the first): `baseMs · 2^(attempt-1)`,
 * capped; null when that attempt would start after the retry window, so the delivery is given up.
 */
export function nextWebhookAttemptDelay(policy: WebhookRetryPolicy, attempt: number, elapsedMs: number): number | null {
  const delay = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  return elapsedMs + delay > policy.windowMs ? null : delay;
}
