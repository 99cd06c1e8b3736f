// The outbox's two races, forced step by step on a real PostgreSQL: each test runs both sides' statements in the order
// the race needs, so nothing depends on timing.
import t from 'tap';
import { claimJobs, completeJob, failJob, retryJob } from '../src/index.ts';
import { changeService, createdService, outboxDatabase, sandboxEnvironment, sandboxJob } from './helpers/outbox.ts';

/** Long enough never to lapse by itself during a test: a lease lapses only when a test says so. */
const LEASE_MS = 600_000;

t.test(
  "a job re-armed while a worker runs it is released by the worker's completion, not deleted, and runs again with " +
    'the newer generation',
  async (t) => {
    const db = await outboxDatabase(t);
    const serviceId = await createdService(db);
    const [running] = await claimJobs(db, 'worker-a', 10, LEASE_MS);
    if (!running) throw new Error('the queued job was not claimed');
    t.match(await sandboxJob(db, serviceId), { lockedBy: 'worker-a', generation: running.generation, leased: true });

    await changeService(db, serviceId, 'update');
    t.match(
      await sandboxJob(db, serviceId),
      { id: running.id, reason: 'update', generation: running.generation + 1, attempts: 0, lockedBy: 'worker-a' },
      'the change re-arms the job in hand: a newer generation, fresh attempts, still leased to the worker',
    );

    t.equal(await completeJob(db, running, 'ready'), false, 'the stale run is not recorded');
    t.match(
      await sandboxJob(db, serviceId),
      { id: running.id, generation: running.generation + 1, lockedBy: null, leased: null, due: true },
      'the job is still there, released and due at once',
    );
    t.match(await sandboxEnvironment(db, serviceId), { state: 'pending' }, 'the environment stays pending');

    const [rerun] = await claimJobs(db, 'worker-b', 10, LEASE_MS);
    t.match(rerun, { id: running.id, generation: running.generation + 1, attempts: 1 }, 'it is claimed again');
    if (!rerun) return;
    t.equal(await completeJob(db, rerun, 'ready'), true, 'the run of the newer generation is recorded');
    t.equal(await sandboxJob(db, serviceId), undefined, 'and the job is done');
    t.match(await sandboxEnvironment(db, serviceId), { state: 'ready', lastError: null });
  },
);

t.test('a job re-armed while it runs is released, not rescheduled or failed, by its failed attempt', async (t) => {
  const db = await outboxDatabase(t);
  const retried = await createdService(db);
  const failed = await createdService(db);
  const running = await claimJobs(db, 'worker-a', 10, LEASE_MS);
  t.equal(running.length, 2);
  await changeService(db, retried, 'update');
  await changeService(db, failed, 'update');
  for (const job of running) {
    if (job.serviceId === retried) await retryJob(db, job, 'Aidbox answered 503', LEASE_MS);
    else await failJob(db, job, 'Aidbox answered 400');
  }
  for (const serviceId of [retried, failed]) {
    t.match(
      await sandboxJob(db, serviceId),
      { attempts: 0, lockedBy: null, lastError: null, due: true },
      'the job is due at once with fresh attempts, and without the stale error',
    );
    t.match(await sandboxEnvironment(db, serviceId), { state: 'pending', lastError: null }, 'the environment pending');
  }
});
