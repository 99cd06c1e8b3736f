import { once } from 'node:events';
import { createDb } from '@payerbox/db';
import { Webhook } from 'standardwebhooks';
import t, { type Test } from 'tap';
import { freePort } from '../src/embedded-postgres.ts';
import type { LocalStack, StackUser } from '../src/local-stack.ts';
import { startInbox, startNotifier } from './helpers/mail.ts';
import { startStack } from './helpers/stack.ts';
import { startWebhookReceiver } from './helpers/webhook-receiver.ts';

/** A service of `owner`, submitted for review; answers its id and name. */
async function submittedService(t: Test, owner: StackUser): Promise<{ id: string; name: string }> {
  const name = `Hooked ${Math.random().toString(36).slice(2, 8)}`;
  const created = await owner.api('POST', '/backend-services', {
    name,
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.status, 201, `${name} is registered`);
  t.equal((await owner.api('POST', `/backend-services/${created.body.id}/submit`)).status, 200);
  return { id: created.body.id, name };
}

async function approve(t: Test, stack: LocalStack, id: string, note?: string): Promise<void> {
  const approved = await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, note ? { note } : {});
  t.equal(approved.status, 200, 'the admin approves');
}

async function registerEndpoint(
  t: Test,
  owner: StackUser,
  url: string,
  events: string[] = ['service.approved'],
): Promise<{ id: string; secret: string }> {
  const created = await owner.api('POST', '/webhooks', { url, events });
  t.equal(created.status, 201, 'the endpoint is registered');
  return created.body;
}

/** The notifier against the stack, with no mail server (e-mails wait in the queue: webhooks are what is tested). */
async function notifier(t: Test, stack: LocalStack, env: Record<string, string> = {}) {
  return startNotifier(t, stack, await freePort(), env);
}

/** Polls the endpoint's delivery log until `done` holds for it. */
async function deliveryLog(owner: StackUser, endpointId: string, done: (log: any) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await owner.api('GET', `/webhooks/${endpointId}/deliveries`);
    if (done(log.body) || Date.now() > deadline) return log.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

t.test('an approval delivers a signed webhook that a Standard Webhooks library verifies', async (t) => {
  const stack = await startStack(t);
  const receiver = await startWebhookReceiver(t);
  const endpoint = await registerEndpoint(t, stack.developer, receiver.url);
  await notifier(t, stack);
  const service = await submittedService(t, stack.developer);
  await approve(t, stack, service.id, 'Keys rotate yearly.');
  const [arrived] = await receiver.waitFor(1);
  if (!arrived) throw new Error('no webhook');
  const verified = new Webhook(endpoint.secret).verify(arrived.body, arrived.headers as Record<string, string>);
  t.match(verified, {
    type: 'service.approved',
    timestamp: /^\d{4}-\d\d-\d\dT/,
    data: {
      service: { id: service.id, name: service.name, clientId: /./, status: 'active' },
      reason: 'Keys rotate yearly.',
      links: { service: `http://portal.test/services/${service.id}` },
    },
  });
  t.match(arrived.headers['webhook-id'], /^evt_\d+$/, 'identified by the event');
  t.equal(arrived.headers['content-type'], 'application/json');
  t.throws(
    () => new Webhook(endpoint.secret).verify(`${arrived.body} `, arrived.headers as Record<string, string>),
    'a changed body does not verify',
  );
  const log = await deliveryLog(stack.developer, endpoint.id, (body) => body.items[0]?.status === 'delivered');
  t.match(log.items, [
    { type: 'service.approved', webhookId: arrived.headers['webhook-id'], status: 'delivered', attempts: [{}] },
  ]);
  t.match(log.items[0].attempts[0], { attempt: 1, statusCode: 204, succeeded: true, error: null });
  t.type(log.items[0].attempts[0].latencyMs, 'number');

  t.equal((await stack.developer.api('POST', `/webhooks/${endpoint.id}/test`)).status, 202, 'a test is sent');
  const [, test] = await receiver.waitFor(2);
  if (!test) throw new Error('no test webhook');
  t.match(new Webhook(endpoint.secret).verify(test.body, test.headers as Record<string, string>), {
    type: 'webhook.test',
  });
});

t.test('a receiver that fails twice and then succeeds gets the event three times under one webhook-id', async (t) => {
  const stack = await startStack(t);
  const receiver = await startWebhookReceiver(t, (n) => (n <= 2 ? 503 : 200));
  const endpoint = await registerEndpoint(t, stack.developer, receiver.url);
  const metricsPort = await freePort();
  await notifier(t, stack, { WEBHOOK_RETRY_BASE_MS: '100', METRICS_PORT: String(metricsPort) });
  const service = await submittedService(t, stack.developer);
  await approve(t, stack, service.id);
  const attempts = await receiver.waitFor(3);
  const ids = new Set(attempts.map((attempt) => attempt.headers['webhook-id']));
  t.equal(ids.size, 1, 'the same webhook-id on every attempt');
  t.same(
    attempts.map((attempt) => attempt.status),
    [503, 503, 200],
  );
  const bodies = new Set(attempts.map((attempt) => attempt.body));
  t.equal(bodies.size, 1, 'the same body on every attempt');
  for (const attempt of attempts) {
    t.ok(new Webhook(endpoint.secret).verify(attempt.body, attempt.headers as Record<string, string>), 'each verifies');
  }
  const log = await deliveryLog(stack.developer, endpoint.id, (body) => body.items[0]?.status === 'delivered');
  t.match(
    log.items[0].attempts.map((a: any) => [a.attempt, a.statusCode, a.succeeded]),
    [
      [1, 503, false],
      [2, 503, false],
      [3, 200, true],
    ],
    'the log records every attempt',
  );
  t.equal(log.items[0].attempts[0].error, 'The endpoint answered HTTP 503.');
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  t.match(metrics, /notification_deliveries_total\{channel="webhook",outcome="failed"\} 2\n/, 'counts the failures');
  t.match(metrics, /notification_deliveries_total\{channel="webhook",outcome="sent"\} 1\n/, 'and the delivery');
  t.match(metrics, /notification_delivery_latency_seconds_count\{channel="webhook"\} 1\n/, 'with its latency');
});

t.test(
  'a notifier killed while it holds a delivery loses nothing: another sends it under the same webhook-id',
  async (t) => {
    const stack = await startStack(t);
    const receiver = await startWebhookReceiver(t, (n) => (n === 1 ? 'hold' : 204));
    const endpoint = await registerEndpoint(t, stack.developer, receiver.url);
    const doomed = await notifier(t, stack);
    const service = await submittedService(t, stack.developer);
    await approve(t, stack, service.id);
    // The receiver holds the first request unanswered: the notifier is in the middle of the delivery when it dies.
    const [held] = await receiver.waitFor(1);
    if (!held) throw new Error('no webhook');
    t.equal(held.status, null, 'the first attempt is still waiting for its answer');
    doomed.child.kill('SIGKILL');
    await once(doomed.child, 'exit');

    await notifier(t, stack);
    const [, delivered] = await receiver.waitFor(2);
    if (!delivered) throw new Error('no second webhook');
    t.equal(delivered.status, 204, 'another notifier delivers it');
    t.equal(delivered.headers['webhook-id'], held.headers['webhook-id'], 'under the webhook-id of the first attempt');
    t.equal(delivered.body, held.body, 'with the same body');
    const log = await deliveryLog(stack.developer, endpoint.id, (body) => body.items[0]?.status === 'delivered');
    t.match(log.items, [{ type: 'service.approved', status: 'delivered' }], 'the log shows it delivered');
  },
);

t.test('a receiver down past the retry window marks the endpoint failing and tells its owner once', async (t) => {
  const stack = await startStack(t);
  const downUrl = `http://127.0.0.1:${await freePort()}/hooks`;
  const endpoint = await registerEndpoint(t, stack.developer, downUrl);
  const inbox = await startInbox(t);
  startNotifier(t, stack, inbox.smtpPort, { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_WINDOW_MS: '400' });
  const service = await submittedService(t, stack.developer);
  await approve(t, stack, service.id);
  const log = await deliveryLog(stack.developer, endpoint.id, (body) => body.items[0]?.status === 'failed');
  t.equal(log.items[0]?.status, 'failed', 'the delivery is given up');
  t.ok(log.items[0].attempts.length >= 2, 'after retries');
  t.match(log.items[0].attempts[0].error, /refused the connection/);
  const failing = await stack.developer.api('GET', `/webhooks/${endpoint.id}`);
  t.match(failing.body, { status: 'failing', failingSince: /^\d{4}-/ }, 'the endpoint is marked failing');
  const email = await inbox.waitFor(stack.developer.email, (e) => e.subject.includes('webhook endpoint'));
  t.match(email.subject, `the event about ${service.name} could not be delivered`, 'the owner is e-mailed');
  const inApp = (await stack.developer.api('GET', '/notifications')).body.items;
  t.same(
    inApp.filter((n: { type: string }) => n.type === 'webhook.failing').map((n: { serviceId: string }) => n.serviceId),
    [service.id],
    'and told in-app, once',
  );

  const receiver = await startWebhookReceiver(t);
  t.equal((await stack.developer.api('PATCH', `/webhooks/${endpoint.id}`, { url: receiver.url })).status, 200);
  const redelivered = await stack.developer.api(
    'POST',
    `/webhooks/${endpoint.id}/deliveries/${log.items[0].id}/redeliver`,
  );
  t.equal(redelivered.status, 202);
  const [arrived] = await receiver.waitFor(1);
  t.equal(arrived?.headers['webhook-id'], log.items[0].webhookId, 'redelivered under the same webhook-id');
  const done = await deliveryLog(stack.developer, endpoint.id, (body) => body.items[0]?.status === 'delivered');
  t.equal(done.items[0].status, 'delivered');
  t.match((await stack.developer.api('GET', `/webhooks/${endpoint.id}`)).body, {
    status: 'active',
    failingSince: null,
  });
});

t.test('events about another developer’s services never reach an endpoint', async (t) => {
  const stack = await startStack(t);
  const stranger = await stack.createUser('developer');
  const strangerReceiver = await startWebhookReceiver(t);
  const strangers = await registerEndpoint(t, stranger, strangerReceiver.url, [
    'service.submitted',
    'service.approved',
  ]);
  const ownerReceiver = await startWebhookReceiver(t);
  await registerEndpoint(t, stack.developer, ownerReceiver.url, ['service.submitted', 'service.approved']);
  await notifier(t, stack);
  const service = await submittedService(t, stack.developer);
  await approve(t, stack, service.id);
  // Each event's deliveries are queued in one transaction: once the owner has both, every delivery exists.
  const owned = await ownerReceiver.waitFor(2);
  t.same(owned.map((hook) => JSON.parse(hook.body).type).sort(), ['service.approved', 'service.submitted']);
  t.same(strangerReceiver.received, [], 'the stranger’s receiver got nothing');
  t.same((await stranger.api('GET', `/webhooks/${strangers.id}/deliveries`)).body.items, [], 'nor was queued any');
});

t.test('a delivery to an endpoint whose address became private is refused without connecting', async (t) => {
  const stack = await startStack(t);
  const endpoint = await registerEndpoint(t, stack.developer, 'http://127.0.0.1:9/hooks');
  // As if its address changed after registration: the delivery's own check must refuse it (no traffic is sent to a
  // private address: the fetcher refuses before dialling).
  const db = createDb({ databaseUrl: stack.databaseUrl, poolSize: 1 });
  t.teardown(() => db.destroy());
  await db
    .updateTable('webhookEndpoints')
    .set({ url: 'https://10.9.8.7/hooks' })
    .where('id', '=', endpoint.id)
    .execute();
  await notifier(t, stack, { WEBHOOK_RETRY_WINDOW_MS: '0' });
  const service = await submittedService(t, stack.developer);
  await approve(t, stack, service.id);
  const log = await deliveryLog(stack.developer, endpoint.id, (body) => body.items[0]?.status === 'failed');
  t.match(log.items[0]?.attempts, [
    { attempt: 1, statusCode: null, succeeded: false, error: /resolves to 10\.9\.8\.7 \(private\)/ },
  ]);
  const refused = await stack.developer.api('POST', '/webhooks', {
    url: 'https://10.9.8.7/hooks',
    events: ['service.approved'],
  });
  t.equal(refused.status, 400, 'and registering it is refused');
  t.equal(refused.body.code, 'validation_failed');
});
