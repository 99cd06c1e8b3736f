// The outbox's two races, forced step by step on a real PostgreSQL: each test runs both sides' statements in the order
// the race needs, so nothing depends on timing.
import t from 'tap';
import { claimJobs, completeJob, failJob, retryJob } from '../src/index.ts';
import {
  changeService,
  createdService,
  lockWaiter,
  outboxDatabase,
  sandboxEnvironment,
  sandboxJob,
} from './helpers/outbox.ts';

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
    t.match(
      await sandboxJob(db, serviceId),
      { lockedBy: 'worker-a', generation: running.generation, leased: true },
      'worker A runs the job under a lease',
    );

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
    t.match(await sandboxEnvironment(db, serviceId), { state: 'ready', lastError: null }, 'the environment is ready');
  },
);

t.test('a job re-armed while it runs is released, not rescheduled or failed, by its failed attempt', async (t) => {
  const db = await outboxDatabase(t);
  const retried = await createdService(db);
  const failed = await createdService(db);
  const running = await claimJobs(db, 'worker-a', 10, LEASE_MS);
  t.equal(running.length, 2, 'a worker runs both jobs');
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
t.test(
  "a lease taken over from a worker that held it: the first worker's late completion neither deletes nor releases " +
    'the job the second worker holds',
  async (t) => {
    const db = await outboxDatabase(t);
    const serviceId = await createdService(db);
    const [first] = await claimJobs(db, 'worker-a', 10, LEASE_MS);
    if (!first) throw new Error('the queued job was not claimed');
    t.match(await sandboxJob(db, serviceId), { lockedBy: 'worker-a', leased: true }, 'worker A holds the lease');
    t.same(await claimJobs(db, 'worker-b', 10, LEASE_MS), [], 'so worker B cannot claim the job');

    // Worker A stalls past its lease (a long garbage collection, a partitioned network): the lease lapses.
    await db
      .updateTable('provisioningJobs')
      .set({ lockedUntil: new Date(Date.now() - 1_000) })
      .where('id', '=', first.id)
      .execute();
    const [second] = await claimJobs(db, 'worker-b', 10, LEASE_MS);
    t.match(
      second,
      { id: first.id, generation: first.generation, attempts: first.attempts + 1 },
      'worker B takes the lapsed lease over',
    );
    if (!second) return;

    t.equal(await completeJob(db, first, 'ready'), false, "worker A's late completion is not recorded");
    t.match(
      await sandboxJob(db, serviceId),
      { id: first.id, generation: first.generation, attempts: second.attempts, lockedBy: 'worker-b', leased: true },
      'the job is still there, leased to worker B',
    );
    t.match(await sandboxEnvironment(db, serviceId), { state: 'pending' }, 'the environment stays pending');
    await retryJob(db, first, 'a late failure of worker A', 0);
    await failJob(db, first, 'a late failure of worker A');
    t.match(
      await sandboxJob(db, serviceId),
      { lockedBy: 'worker-b', leased: true, lastError: null },
      "nor do worker A's late retry or failure touch it",
    );
    t.match(await sandboxEnvironment(db, serviceId), { state: 'pending', lastError: null }, 'nor the environment');

    t.equal(await completeJob(db, second, 'ready'), true, "worker B's completion is recorded");
    t.equal(await sandboxJob(db, serviceId), undefined, 'the job is done');
    t.match(await sandboxEnvironment(db, serviceId), { state: 'ready' }, 'the environment is ready');
  },
);

t.test(
  'a completion that arrives while a change holds the service lock waits at the service row, then releases the job ' +
    'the change re-armed',
  async (t) => {
    const db = await outboxDatabase(t);
    const serviceId = await createdService(db);
    const [running] = await claimJobs(db, 'worker-a', 10, LEASE_MS);
    if (!running) throw new Error('the queued job was not claimed');

    let commit = () => {};
    const committing = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let rearmed = () => {};
    const rearming = new Promise<void>((resolve) => {
      rearmed = resolve;
    });
    const change = changeService(db, serviceId, 'update', async () => {
      rearmed();
      await committing;
    });
    await rearming;
    const completion = completeJob(db, running, 'ready');
    const waiting = await lockWaiter(db);
    t.match(waiting, /for share/, "the worker's completion waits for the service row's lock, before any job row");

    commit();
    await change;
    t.equal(await completion, false, 'once the change committed, the completion sees the newer generation');
    t.match(
      await sandboxJob(db, serviceId),
      { generation: running.generation + 1, lockedBy: null, due: true },
      'and releases the job to run again',
    );
    t.match(await sandboxEnvironment(db, serviceId), { state: 'pending' }, 'the environment stays pending');
  },
);
