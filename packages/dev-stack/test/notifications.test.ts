import { once } from 'node:events';
import { createDb, DELIVER_WEBHOOK } from '@payerbox/db';
import { NOTIFY_SERVICE_EVENT, SEND_NOTIFICATION_EMAIL } from '@payerbox/notifier';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { freePort } from '../src/embedded-postgres.ts';
import type { LocalStack } from '../src/local-stack.ts';
import { stallingSmtpServer, startInbox, startNotifier } from './helpers/mail.ts';
import { startStack } from './helpers/stack.ts';

function serviceName(): string {
  return `Notify ${Math.random().toString(36).slice(2, 8)}`;
}

/** A service of the stack's developer, submitted for review; answers its id and name. */
async function submittedService(t: Test, stack: LocalStack): Promise<{ id: string; name: string }> {
  const name = serviceName();
  const created = await stack.developer.api('POST', '/backend-services', {
    name,
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.status, 201, `${name} is registered`);
  t.equal((await stack.developer.api('POST', `/backend-services/${created.body.id}/submit`)).status, 200);
  return { id: created.body.id, name };
}

async function approve(t: Test, stack: LocalStack, id: string, note?: string): Promise<void> {
  const approved = await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, note ? { note } : {});
  t.equal(approved.status, 200, 'the admin approves');
}

function queueDb(t: Test, stack: LocalStack) {
  const db = createDb({ databaseUrl: stack.databaseUrl, poolSize: 2 });
  t.teardown(() => db.destroy());
  return db;
}

/**
 * Waits until no notification job is left in the queue (each e-mail was sent, or skipped as sent already). The
 * notifier's recurring works (the token expiry scan, the key set re-check) always have their next run waiting, and are
 * not counted.
 */
async function emailQueueDrained(db: ReturnType<typeof createDb>, timeoutMs = 30_000): Promise<void> {
  const tasks = [NOTIFY_SERVICE_EVENT, SEND_NOTIFICATION_EMAIL, DELIVER_WEBHOOK];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from graphile_worker.jobs where task_identifier = any(${tasks})`.execute(db);
    if (rows[0]?.count === '0') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the notification queue did not drain');
}

t.test('an approval puts an e-mail naming the service, the note and its page in the owner’s inbox', async (t) => {
  const stack = await startStack(t);
  const inbox = await startInbox(t);
  const notifier = startNotifier(t, stack, inbox.smtpPort);
  const service = await submittedService(t, stack);
  const submitted = await inbox.waitFor(stack.admin.email, (email) => email.subject.includes(service.name));
  t.equal(submitted.subject, `${service.name} was submitted for review`, 'the admins hear of the submission');
  t.match(submitted.text, `http://portal.test/admin/services/${service.id}`, 'linking the admin portal');

  await approve(t, stack, service.id, 'Looks good; keys rotate yearly.');
  const email = await inbox.waitFor(stack.developer.email, (e) => e.subject.includes('approved'));
  t.equal(email.subject, `${service.name} was approved and is going live in production`);
  t.match(email.text, 'Note from the reviewer: Looks good; keys rotate yearly.');
  t.match(email.text, `http://portal.test/services/${service.id}`);
  t.match(email.html, `<a href="http://portal.test/services/${service.id}">Open ${service.name} in the portal</a>`);
  t.match(email.headers['message-id'], /^<?notification-\d+\.event-\d+@payerbox-portal>?$/, 'identified by its event');
  await notifier.stop();
  t.equal(notifier.child.exitCode, 0, 'the notifier stops cleanly on SIGTERM');
});

t.test('a change that rolls back sends nothing', async (t) => {
  const stack = await startStack(t);
  const db = queueDb(t, stack);
  const inbox = await startInbox(t);
  const doomed = await submittedService(t, stack);
  // An approval recorded and then rolled back, as a failed command leaves it: its event never existed.
  await db
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto('serviceEvents')
        .values({ serviceId: doomed.id, actorId: stack.admin.id, action: 'approve', fromStatus: 'under_review' })
        .execute();
      throw new Error('rolled back');
    })
    .catch(() => {});
  const kept = await submittedService(t, stack);
  await approve(t, stack, kept.id);
  startNotifier(t, stack, inbox.smtpPort);
  await inbox.waitFor(stack.developer.email, (email) => email.subject.includes(kept.name));
  await emailQueueDrained(db);
  const toOwner = (await inbox.emails()).filter((email) => email.to.some((to) => to.address === stack.developer.email));
  t.same(
    toOwner.map((email) => email.subject),
    [`${kept.name} was approved and is going live in production`],
    'only the committed approval is told',
  );
});

t.test('a notifier killed in the middle of a delivery loses nothing: another delivers the e-mail', async (t) => {
  const stack = await startStack(t);
  const stalling = await stallingSmtpServer(t);
  const doomed = startNotifier(t, stack, stalling.port);
  const service = await submittedService(t, stack);
  await stalling.connected;
  doomed.child.kill('SIGKILL');
  await once(doomed.child, 'exit');

  const inbox = await startInbox(t);
  startNotifier(t, stack, inbox.smtpPort);
  const email = await inbox.waitFor(stack.admin.email, (e) => e.subject.includes(service.name));
  t.equal(email.subject, `${service.name} was submitted for review`, 'the e-mail the dead notifier held arrives');
});

t.test('an SMTP outage delays an e-mail, which arrives once when the server is back', async (t) => {
  const stack = await startStack(t);
  const db = queueDb(t, stack);
  // Nothing listens on a free port: the SMTP server is down.
  const port = await freePort();
  const metricsPort = await freePort();
  startNotifier(t, stack, port, { METRICS_PORT: String(metricsPort) });
  const service = await submittedService(t, stack);
  // The first attempt fails against the closed port, and the job waits for its retry.
  const deadline = Date.now() + 30_000;
  let failed = false;
  while (!failed && Date.now() < deadline) {
    const { rows } = await sql<{ lastError: string | null }>`
      select last_error from graphile_worker.jobs where task_identifier = 'send_notification_email'`.execute(db);
    failed = rows.some((row) => row.lastError !== null);
    if (!failed) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.ok(failed, 'the delivery failed while the server was down, and stays queued');

  const inbox = await startInbox(t, port);
  await inbox.waitFor(stack.admin.email, (email) => email.subject.includes(service.name));
  await emailQueueDrained(db);
  const copies = (await inbox.emails()).filter((email) => email.subject.includes(service.name));
  t.equal(copies.length, 1, 'delivered once');

  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  t.match(metrics, /notification_deliveries_total\{channel="email",outcome="failed"\} [1-9]/, 'counts the failures');
  t.match(metrics, /notification_deliveries_total\{channel="email",outcome="sent"\} 1\n/, 'and the delivery');
  t.match(metrics, /notification_delivery_latency_seconds_count\{channel="email"\} 1\n/, 'with its latency');
  t.match(metrics, /# TYPE notification_queue_depth gauge/, 'beside the queue depth');
});

/** Polls the user's in-app list until it holds `count` notifications. */
async function notificationsOf(user: LocalStack['developer'], count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await user.api('GET', '/notifications');
    if (list.body.items.length >= count || Date.now() > deadline) return list.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

t.test('opting out of a kind stops its e-mails, while the in-app list still tells of it', async (t) => {
  const stack = await startStack(t);
  const db = queueDb(t, stack);
  const inbox = await startInbox(t);
  startNotifier(t, stack, inbox.smtpPort);
  const preferences = await stack.developer.api('PUT', '/notification-preferences', {
    email: { 'service.rejected': false },
  });
  t.equal(preferences.status, 200, 'the developer turns e-mails about rejections off');
  const rejected = await submittedService(t, stack);
  const rejection = await stack.admin.api('POST', `/admin/backend-services/${rejected.id}/reject`, {
    reason: 'Scopes too wide',
  });
  t.equal(rejection.status, 200);
  const approved = await submittedService(t, stack);
  await approve(t, stack, approved.id);
  await inbox.waitFor(stack.developer.email, (email) => email.subject.includes(approved.name));
  await emailQueueDrained(db);
  const toOwner = (await inbox.emails()).filter((email) => email.to.some((to) => to.address === stack.developer.email));
  t.same(
    toOwner.map((email) => email.subject),
    [`${approved.name} was approved and is going live in production`],
    'the approval is e-mailed, the rejection is not',
  );
  const list = await notificationsOf(stack.developer, 2);
  t.same(
    list.items.map((item: { type: string; serviceName: string }) => [item.type, item.serviceName]),
    [
      ['service.approved', approved.name],
      ['service.rejected', rejected.name],
    ],
    'both are in the in-app list, newest first',
  );
  t.match(list.items[1], { reason: 'Scopes too wide', message: `${rejected.name} was rejected`, readAt: null });
});

t.test('the in-app list counts the unread, marked read one at a time or all at once', async (t) => {
  const stack = await startStack(t);
  const inbox = await startInbox(t);
  startNotifier(t, stack, inbox.smtpPort);
  const services = [
    await submittedService(t, stack),
    await submittedService(t, stack),
    await submittedService(t, stack),
  ];
  for (const service of services) await approve(t, stack, service.id);
  const first = await notificationsOf(stack.developer, 3);
  t.equal(first.unreadCount, 3, 'three approvals, unread');
  const page = await stack.developer.api('GET', '/notifications?limit=2');
  t.equal(page.body.items.length, 2);
  const rest = await stack.developer.api('GET', `/notifications?limit=2&cursor=${page.body.nextCursor}`);
  t.same(
    [...page.body.items, ...rest.body.items].map((item: { serviceName: string }) => item.serviceName),
    services.map((service) => service.name).reverse(),
    'paged newest first',
  );
  t.equal(rest.body.nextCursor, null);

  const opened = first.items[0].id as string;
  t.equal((await stack.developer.api('POST', `/notifications/${opened}/read`)).status, 204);
  const afterOne = await stack.developer.api('GET', '/notifications');
  t.equal(afterOne.body.unreadCount, 2, 'opening one leaves two unread');
  t.ok(afterOne.body.items[0].readAt, 'and shows when it was read');
  t.equal((await stack.admin.api('POST', `/notifications/${opened}/read`)).status, 404, 'nobody else’s to mark');
  t.equal((await stack.developer.api('POST', '/notifications/read-all')).status, 204);
  t.equal((await stack.developer.api('GET', '/notifications')).body.unreadCount, 0, 'none unread after mark-all');
  const admins = await notificationsOf(stack.admin, 3);
  t.equal(admins.unreadCount, 3, 'the admin’s own notifications (the submissions) stay unread');
});
