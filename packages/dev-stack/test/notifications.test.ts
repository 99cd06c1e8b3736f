import { once } from 'node:events';
import { createDb } from '@payerbox/db';
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

/** Waits until no e-mail job is left in the queue (each was sent, or skipped as sent already). */
async function emailQueueDrained(db: ReturnType<typeof createDb>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from graphile_worker.jobs`.execute(db);
    if (rows[0]?.count === '0') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the notification queue did not drain');
}

t.test('an approval puts an e-mail naming the service, the note and its page in the owner’s inbox', async (t) => {
  const stack = await startStack(t);
  const inbox = await startInbox(t);
  startNotifier(t, stack, inbox.smtpPort);
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
