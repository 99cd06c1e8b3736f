// Aidbox answers concurrent writes 412 (or 409) under its default serializable isolation (aidbox-docs
// `docs/api/rest-api/crud/update.md`). Such an answer is a reason to try again, not a verdict on the service: the
// provisioner keeps retrying the job with its backoff, and the environment ends ready once the conflicts stop.
import { accessPolicyId } from '@payerbox/aidbox';
import { createDb } from '@payerbox/db';
import t from 'tap';
import { startStack } from './helpers/stack.ts';

/** Polls `probe` until it answers a value, or fails naming `what` after `ms` (waiting on state, not on time). */
async function until<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

t.test(
  'a burst of 412 write conflicts delays provisioning through several job attempts, and the environment ends ready',
  async (t) => {
    const stack = await startStack(t);
    const db = createDb({ databaseUrl: stack.databaseUrl, poolSize: 2 });
    t.teardown(() => db.destroy());
    stack.emulators.sandbox.setFaults({ writeConflictRate: 1, writeConflictStatus: 412 });
    // Many attempts with short backoffs, so the burst spans several job attempts well within the test's time.
    await stack.startWorker({ maxAttempts: 100, maxBackoffMs: 50 });
    const created = await stack.developer.api('POST', '/backend-services', {
      name: 'Conflicted',
      authMethod: 'client_secret',
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
    });
    t.equal(created.status, 201);
    const { id, clientId } = created.body as { id: string; clientId: string };

    const job = await until(
      async () => {
        const row = await db
          .selectFrom('provisioningJobs')
          .select(['attempts', 'lastError'])
          .where('serviceId', '=', id)
          .where('environment', '=', 'sandbox')
          .executeTakeFirst();
        return row && row.attempts >= 3 ? row : undefined;
      },
      20_000,
      'three attempts of the sandbox job',
    );
    t.match(job.lastError, /412/, 'each attempt failed on the conflict');
    const during = await stack.developer.api('GET', `/backend-services/${id}`);
    t.equal(during.body.environments.sandbox.state, 'pending', 'the environment is still pending, not failed');
    const conflicts = stack.emulators.sandbox
      .requests()
      .filter((request) => request.method === 'PUT' && request.path === `/Client/${clientId}`);
    t.ok(conflicts.length >= 3, `Aidbox answered ${conflicts.length} writes of the Client`);
    t.ok(
      conflicts.every((request) => request.status === 412),
      'all of them 412',
    );
    t.equal(stack.emulators.sandbox.resource('Client', clientId), undefined, 'nothing was written');

    stack.emulators.sandbox.setFaults({});
    const ready = await stack.waitForEnvironment(id, 'sandbox', 'ready');
    t.equal(ready.environments.sandbox.error, null, 'the error is gone once it succeeded');
    t.match(stack.emulators.sandbox.resource('Client', clientId), { active: true });
    t.ok(stack.emulators.sandbox.resource('AccessPolicy', accessPolicyId(clientId)));
  },
);
