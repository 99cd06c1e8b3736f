import { createDb, listenForNotifications } from '@payerbox/db';
import { sql } from 'kysely';
import t from 'tap';
import { coalescingWakeup } from '../src/plugins/provisioner-wakeup.ts';
import { buildTestApp, createService, createUser } from './helpers/app.ts';
import { isolatedDatabaseUrl } from './helpers/database.ts';

const LIMIT_MS = 10_000;

/** A send that stays in flight until the test finishes it. */
function controlledSend() {
  const started: Array<() => void> = [];
  return {
    started,
    send: () => new Promise<void>((resolve) => started.push(resolve)),
    finish(index: number) {
      started[index]?.();
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

t.test('coalescing', async (t) => {
  t.test('one request, one send', async (t) => {
    const sends = controlledSend();
    const wakeup = coalescingWakeup(sends.send, (error) => t.fail(String(error)));
    wakeup.request();
    t.equal(sends.started.length, 1, 'sent at once');
    sends.finish(0);
    await wakeup.settle();
    t.equal(sends.started.length, 1, 'and only once');
  });

  t.test('requests made while a send is in flight get one more send, started after them', async (t) => {
    const sends = controlledSend();
    const wakeup = coalescingWakeup(sends.send, (error) => t.fail(String(error)));
    wakeup.request();
    wakeup.request();
    wakeup.request();
    t.equal(sends.started.length, 1, 'one at a time');
    sends.finish(0);
    await tick();
    t.equal(sends.started.length, 2, 'the owed send starts once the first is over');
    sends.finish(1);
    await wakeup.settle();
    t.equal(sends.started.length, 2, 'three requests, two sends');
    wakeup.request();
    t.equal(sends.started.length, 3, 'idle again: the next request sends at once');
    sends.finish(2);
    await wakeup.settle();
  });

  t.test('a failed send is reported, and the next request sends again', async (t) => {
    const errors: unknown[] = [];
    let calls = 0;
    const wakeup = coalescingWakeup(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('connection refused');
      },
      (error) => errors.push(error),
    );
    wakeup.request();
    await wakeup.settle();
    t.match(errors, [{ message: 'connection refused' }]);
    wakeup.request();
    await wakeup.settle();
    t.equal(calls, 2);
    t.equal(errors.length, 1);
  });
});

t.test('the API wakes the provisioner once a change that queued jobs committed', async (t) => {
  // A database of its own: notifications are per database, and suites running in parallel create services too.
  const databaseUrl = await isolatedDatabaseUrl(t);
  const app = await buildTestApp(t, { DATABASE_URL: databaseUrl });
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const observer = createDb({ databaseUrl, poolSize: 1 });
  t.teardown(() => observer.destroy());
  // At each wake-up: the jobs a worker would then find.
  const seen: Array<Array<{ serviceId: string; environment: string }>> = [];
  let arrived: (() => void) | undefined;
  const listener = await listenForNotifications({
    databaseUrl,
    channel: 'provisioning_jobs',
    onNotification: () => {
      void sql<{ serviceId: string; environment: string }>`
        select service_id as "serviceId", environment from provisioning_jobs order by environment`
        .execute(observer)
        .then(({ rows }) => {
          seen.push(rows);
          arrived?.();
        });
    },
  });
  t.teardown(() => listener.close());
  t.ok(listener.listening);
  const nextWakeup = async (what: string) => {
    const before = seen.length;
    while (seen.length === before) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no wake-up after ${what}`)), LIMIT_MS);
        arrived = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return seen.at(-1);
  };

  const created = (await createService(owner)) as { id: string };
  t.same(
    await nextWakeup('the create'),
    [{ serviceId: created.id, environment: 'sandbox' }],
    'a create wakes the worker, which then finds the sandbox job',
  );
  const submitted = await owner.request('POST', `/api/v1/backend-services/${created.id}/submit`);
  t.equal(submitted.statusCode, 200);
  const approved = await admin.request('POST', `/api/v1/admin/backend-services/${created.id}/approve`, {});
  t.equal(approved.statusCode, 200);
  const afterApproval = await nextWakeup('the approval');
  t.ok(
    afterApproval?.some((job) => job.serviceId === created.id && job.environment === 'production'),
    'an approval wakes the worker, which then finds the production job',
  );
});
