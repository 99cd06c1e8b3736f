// The provisioning outbox under the conditions it exists for: workers that die holding jobs, changes that land while a
// job runs, an unreliable Aidbox. The emulator's holds stop a worker inside an Aidbox call, so each test looks at the
// queue at the moment it names instead of hoping a delay lands there.

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type AccessPolicy, accessPolicyId, accessPolicyMatches, accessPolicyResource } from '@payerbox/aidbox';
import { createDb, type Database } from '@payerbox/db';
import { type Kysely, sql } from 'kysely';
import t, { type Test } from 'tap';
import { runProcess } from '../src/processes.ts';
import { hostKeySet } from './helpers/smart-client.ts';
import { startStack } from './helpers/stack.ts';

const SERVICES = 30;
const APPROVED = 10;
/** The doomed worker runs this many jobs at once; all of them are caught inside their first Aidbox call. */
const DOOMED_CONCURRENCY = 4;
/** Long enough to read the leases before they lapse on a busy machine, short enough to keep the test quick. */
const DOOMED_LEASE_MS = 5_000;
/** Aidbox calls held by a test wait for their release, however long the test takes to act meanwhile. */
const HELD_CALL_TIMEOUT_MS = 60_000;

/** A connection to the stack's database, to look at the queue as the workers see it. */
function queueDb(t: Test, databaseUrl: string): Kysely<Database> {
  const db = createDb({ databaseUrl, poolSize: 2 });
  t.teardown(() => db.destroy());
  return db;
}

/** `promise`, or a failure naming `what` after `ms`: a wait for an event that never comes ends the test, not the run. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The service's job for `environment`, if one is queued. */
/** A client-secret service registered through the API, as the stack's developer. */
async function createSecretService(t: Test, stack: Awaited<ReturnType<typeof startStack>>, name: string) {
  const created = await stack.developer.api('POST', '/backend-services', {
    name,
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.status, 201, `${name} is registered`);
  return created.body as { id: string; clientId: string; version: number };
}

async function jobOf(db: Kysely<Database>, serviceId: string, environment = 'sandbox' as const) {
  return db
    .selectFrom('provisioningJobs')
    .select(['id', 'generation', 'attempts', 'lockedBy', 'runAt'])
    .where('serviceId', '=', serviceId)
    .where('environment', '=', environment)
    .executeTakeFirst();
}

t.test(
  'a worker killed while it holds jobs hands them over only when its leases lapse, and with a third of Aidbox calls ' +
    'failing every job still completes exactly once',
  async (t) => {
    const stack = await startStack(t, { errorRate: 1 / 3 });
    const db = queueDb(t, stack.databaseUrl);
    const { jwksUri } = await hostKeySet(t);
    // Queued before any worker runs, so that the doomed worker's first claim takes a full batch.
    const created = await Promise.all(
      Array.from({ length: SERVICES }, (_, i) =>
        stack.developer.api('POST', '/backend-services', {
          name: `Converge ${i}`,
          authMethod: i % 2 ? 'client_secret' : 'jwks_uri',
          ...(i % 2 ? {} : { jwksUri }),
          scopeVersion: 'v2',
          scopes: ['system/Patient.rs'],
        }),
      ),
    );
    t.ok(
      created.every((r) => r.status === 201),
      'every service is registered',
    );
    const services = created.map((r) => r.body as { id: string; clientId: string });

    // A provisioner process whose first Aidbox calls never come back: it sits inside them, holding its jobs.
    const caught = stack.emulators.sandbox.hold({ count: DOOMED_CONCURRENCY });
    const doomedId = `doomed-${randomBytes(4).toString('hex')}`;
    const doomed = runProcess('doomed-provisioner', 'services/provisioner/src/server.ts', {
      ...stack.provisionerEnv({
        concurrency: DOOMED_CONCURRENCY,
        leaseMs: DOOMED_LEASE_MS,
        aidboxTimeoutMs: HELD_CALL_TIMEOUT_MS,
      }),
      WORKER_ID: doomedId,
    });
    t.teardown(() => doomed.stop(1_000));
    const exited = once(doomed.child, 'exit');
    const held = await within(
      Promise.race([
        caught.arrived(),
        exited.then(() => Promise.reject(new Error('the doomed provisioner exited before claiming'))),
      ]),
      30_000,
      'the doomed provisioner to call Aidbox',
    );
    const leases = await db
      .selectFrom('provisioningJobs')
      .innerJoin('backendServices', 'backendServices.id', 'provisioningJobs.serviceId')
      .select(['provisioningJobs.serviceId', 'backendServices.clientId', 'provisioningJobs.lockedUntil'])
      .where('provisioningJobs.lockedBy', '=', doomedId)
      .where('provisioningJobs.lockedUntil', '>', sql<Date>`now()`)
      .execute();
    t.equal(leases.length, DOOMED_CONCURRENCY, `the doomed worker holds ${leases.length} live leases when killed`);
    t.same(
      leases.map((lease) => `/Client/${lease.clientId}`).sort(),
      held.map((request) => request.path).sort(),
      'they are the jobs of the Aidbox calls it is inside',
    );
    doomed.child.kill('SIGKILL');
    await exited;

    // Two workers take over the queue while the dead worker's leases still run; they poll often enough to notice
    // the leases lapse, which no notification announces.
    const tuning = { concurrency: 4, maxAttempts: 50, maxBackoffMs: 50, pollIntervalMs: 100 };
    const survivors = await Promise.all([stack.startWorker(tuning), stack.startWorker(tuning)]);
    // A third of the services go on to production meanwhile.
    for (const service of services.slice(0, APPROVED)) {
      t.equal((await stack.developer.api('POST', `/backend-services/${service.id}/submit`)).status, 200);
      t.equal((await stack.admin.api('POST', `/admin/backend-services/${service.id}/approve`, {})).status, 200);
    }
    for (const service of services) await stack.waitForEnvironment(service.id, 'sandbox', 'ready', 60_000);
    for (const service of services.slice(0, APPROVED)) {
      await stack.waitForEnvironment(service.id, 'production', 'ready', 60_000);
    }

    const completions = await db
      .selectFrom('serviceEnvironments')
      .select(['serviceId', 'verifiedAt'])
      .where('environment', '=', 'sandbox')
      .where(
        'serviceId',
        'in',
        leases.map((lease) => lease.serviceId),
      )
      .execute();
    for (const lease of leases) {
      const completedAt = completions.find((row) => row.serviceId === lease.serviceId)?.verifiedAt;
      t.ok(
        completedAt && lease.lockedUntil && completedAt > lease.lockedUntil,
        `the dead worker's job for ${lease.clientId} completed after its lease lapsed ` +
          `(${completedAt?.toISOString()} > ${lease.lockedUntil?.toISOString()})`,
      );
      t.match(stack.emulators.sandbox.resource('Client', lease.clientId), { active: true }, 'and reached Aidbox');
    }
    t.equal(
      survivors.reduce((sum, worker) => sum + worker.stats.completed, 0),
      SERVICES + APPROVED,
      'every job completed exactly once, all by the surviving workers',
    );
    for (const service of services) {
      t.match(stack.emulators.sandbox.resource('Client', service.clientId), { active: true });
      t.ok(stack.emulators.sandbox.resource('AccessPolicy', accessPolicyId(service.clientId)));
    }
    for (const service of services.slice(0, APPROVED)) {
      t.match(stack.emulators.production.resource('Client', service.clientId), { active: true });
      t.ok(stack.emulators.production.resource('AccessPolicy', accessPolicyId(service.clientId)));
    }
    const left = await db.selectFrom('provisioningJobs').select(['serviceId', 'environment']).execute();
    t.same(left, [], 'no job is left behind');
  },
);

t.test(
  'a change made while a worker applies the job re-arms it: the stale run releases the job instead of deleting it, ' +
    'and the next run applies the change',
  async (t) => {
    const stack = await startStack(t);
    const db = queueDb(t, stack.databaseUrl);
    const worker = await stack.startWorker({ aidboxTimeoutMs: HELD_CALL_TIMEOUT_MS });
    const clientWrite = { method: 'PUT', path: /^\/Client\// };
    const firstRun = stack.emulators.sandbox.hold(clientWrite);
    const { id, clientId, version } = await createSecretService(t, stack, 'Re-armed');
    await within(firstRun.arrived(), 20_000, 'the worker to write the Client');
    const claimed = await jobOf(db, id);
    t.match(claimed, { lockedBy: worker.id }, 'the worker holds the job while it is inside the Aidbox call');
    if (!claimed) return;

    const edited = await stack.developer.api(
      'PATCH',
      `/backend-services/${id}`,
      { scopes: ['system/Coverage.rs'] },
      { 'if-match': `"${version}"` },
    );
    t.equal(edited.status, 200, 'the owner edits the draft meanwhile');
    t.match(
      await jobOf(db, id),
      { id: claimed.id, generation: claimed.generation + 1, lockedBy: worker.id },
      'the edit re-arms the job in hand',
    );

    // The stale run goes on with what it read before the edit; its successor is caught at its first write.
    const secondRun = stack.emulators.sandbox.hold(clientWrite);
    firstRun.release();
    await within(secondRun.arrived(), 20_000, 'the re-armed job to run again');
    t.match(
      await jobOf(db, id),
      { id: claimed.id, generation: claimed.generation + 1, attempts: 1, lockedBy: worker.id },
      'the same job row runs again, with fresh attempts: the stale run released it',
    );
    t.same(
      stack.emulators.sandbox.resource('Client', clientId)?.scope,
      ['system/Patient.rs'],
      'the stale run wrote the scopes it had read',
    );
    const meanwhile = await stack.developer.api('GET', `/backend-services/${id}`);
    t.equal(meanwhile.body.environments.sandbox.state, 'pending', 'and did not record the environment as ready');

    secondRun.release();
    const ready = await stack.waitForEnvironment(id, 'sandbox', 'ready');
    t.same(stack.emulators.sandbox.resource('Client', clientId)?.scope, ['system/Coverage.rs'], 'the latest scopes');
    const desiredPolicy = accessPolicyResource({
      clientId,
      authMethod: 'client_secret',
      jwksUri: null,
      scopeVersion: 'v2',
      scopes: ready.scopes,
      organizationId: null,
    });
    const storedPolicy = stack.emulators.sandbox.resource('AccessPolicy', accessPolicyId(clientId));
    t.ok(
      accessPolicyMatches(desiredPolicy, storedPolicy as AccessPolicy | undefined),
      'and the access policy of the latest scopes',
    );
    t.equal(await jobOf(db, id), undefined, 'the job is done once the latest change is applied');
  },
);

t.test(
  'after its last attempt a job fails for good: the environment shows failed with the error, the job leaves the ' +
    'queue, and an admin resync re-arms it to converge once Aidbox is back',
  async (t) => {
    const maxAttempts = 3;
    const stack = await startStack(t, { errorRate: 1 });
    const db = queueDb(t, stack.databaseUrl);
    const worker = await stack.startWorker({ maxAttempts, maxBackoffMs: 20 });
    const { id, clientId } = await createSecretService(t, stack, 'Refused');

    const failed = await stack.waitForEnvironment(id, 'sandbox', 'failed');
    t.match(failed.environments.sandbox.error, /503/, "the environment shows Aidbox's error");
    t.match(
      worker.stats,
      { completed: 0, retried: maxAttempts - 1, failed: 1 },
      `${maxAttempts} attempts: the last one is the failure`,
    );
    t.equal(await jobOf(db, id), undefined, 'the job left the queue: nothing retries it');
    t.notOk(stack.emulators.sandbox.resource('Client', clientId), 'Aidbox has nothing');

    stack.emulators.sandbox.setFaults({});
    const resync = await stack.admin.api('POST', `/admin/backend-services/${id}/resync`);
    t.equal(resync.status, 202);
    const ready = await stack.waitForEnvironment(id, 'sandbox', 'ready');
    t.equal(ready.environments.sandbox.error, null, 'the error is gone');
    t.match(stack.emulators.sandbox.resource('Client', clientId), { active: true });
    t.match(worker.stats, { completed: 1, failed: 1 }, 'the re-armed job ran once more and completed');
    t.equal(await jobOf(db, id), undefined, 'and left the queue');
    const events = await stack.admin.api('GET', `/admin/audit-events?serviceId=${id}&action=resync`);
    t.equal(events.body.items.length, 1, 'the resync is audited');
  },
);
