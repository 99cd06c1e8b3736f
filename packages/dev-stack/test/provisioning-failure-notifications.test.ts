import t from 'tap';
import { startInbox, startNotifier } from './helpers/mail.ts';
import { startStack } from './helpers/stack.ts';

t.test(
  'a provisioning failure after its retries reaches the owner and the administrators, by e-mail and in the app',
  async (t) => {
    // Every Aidbox write fails: the provisioner retries, then gives up on the sandbox.
    const stack = await startStack(t, { errorRate: 1 });
    const inbox = await startInbox(t);
    startNotifier(t, stack, inbox.smtpPort);
    await stack.startWorker({ maxAttempts: 2, maxBackoffMs: 20 });
    const name = `Refused ${Math.random().toString(36).slice(2, 8)}`;
    const created = await stack.developer.api('POST', '/backend-services', {
      name,
      authMethod: 'client_secret',
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
    });
    t.equal(created.status, 201, `${name} is registered`);
    const failed = await stack.waitForEnvironment(created.body.id, 'sandbox', 'failed');
    const error = failed.environments.sandbox.error as string;

    const subject = `Provisioning ${name} failed after its retries`;
    for (const [who, user] of [
      ['the owner', stack.developer],
      ['an administrator', stack.admin],
    ] as const) {
      const email = await inbox.waitFor(user.email, (caught) => caught.subject === subject);
      t.match(email.text, error, `${who} gets an e-mail with the last error`);
      const listed = await user.api('GET', '/notifications');
      t.match(
        listed.body.items,
        [{ type: 'provisioning.failed', serviceId: created.body.id, message: subject, reason: error, readAt: null }],
        `${who} finds it in the app`,
      );
    }
    const events = await stack.admin.api('GET', `/admin/audit-events?service=${encodeURIComponent(name)}`);
    t.match(
      events.body.items,
      [{ action: 'provisioning_failed', actor: null, detail: { environment: 'sandbox', error } }],
      'the audit trail records the failure, by the system',
    );
    const emails = (await inbox.emails()).filter((email) => email.subject === subject);
    t.equal(emails.length, 2, 'once each: one failure, one notification per person');
  },
);
