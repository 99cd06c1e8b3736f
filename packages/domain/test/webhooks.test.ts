import t from 'tap';
import { NOTIFICATION_TYPES } from '../src/notifications.ts';
import {
  describeWebhookEvent,
  isWebhookEventType,
  nextWebhookAttemptDelay,
  WEBHOOK_EVENT_TYPES,
} from '../src/webhooks.ts';

t.test(
  'webhooks carry every event about a service, not the failing of a webhook itself nor a person’s token',
  async (t) => {
    t.same(
      WEBHOOK_EVENT_TYPES,
      NOTIFICATION_TYPES.filter((type) => type !== 'webhook.failing' && type !== 'api_token.expiring'),
    );
    t.ok(isWebhookEventType('service.approved'));
    t.notOk(isWebhookEventType('webhook.failing'));
    t.notOk(isWebhookEventType('api_token.expiring'));
    t.notOk(isWebhookEventType('service.exploded'));
  },
);

t.test('each event type reads as one sentence for the event picker', async (t) => {
  for (const type of WEBHOOK_EVENT_TYPES) t.match(describeWebhookEvent(type), /^[A-Z].*\.$/, type);
});

const POLICY = { baseMs: 5_000, maxDelayMs: 3_600_000, windowMs: 86_400_000 };

t.test('retries back off exponentially from the base, each wait capped', async (t) => {
  t.same(
    [1, 2, 3, 4].map((attempt) => nextWebhookAttemptDelay(POLICY, attempt, 0)),
    [5_000, 10_000, 20_000, 40_000],
  );
  t.equal(nextWebhookAttemptDelay(POLICY, 20, 0), 3_600_000, 'at most an hour apart');
  t.equal(nextWebhookAttemptDelay(POLICY, 1_000, 0), 3_600_000, 'even after very many attempts');
});

t.test('a delivery is given up when its next attempt would start after the retry window', async (t) => {
  t.equal(nextWebhookAttemptDelay(POLICY, 30, 86_400_000 - 3_600_000), 3_600_000, 'the last wait still fits');
  t.equal(nextWebhookAttemptDelay(POLICY, 30, 86_400_000 - 1_000), null, 'the next would not');
  t.equal(nextWebhookAttemptDelay({ ...POLICY, windowMs: 0 }, 1, 0), null, 'a zero window tries once');
});
