import t from 'tap';
import {
  environmentState,
  provisionerEnv,
  queueSandboxService,
  startEmulators,
  startProvisioner,
  throwawayDb,
  waitFor,
} from './helpers/process.ts';

/** Aidbox calls a test holds wait for their release, however long the test takes meanwhile. */
const HELD_CALL_TIMEOUT_MS = '60000';

const scrape = async (url: string) => (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

t.test('reports queue depth, job outcomes and Aidbox call timings at /metrics', async (t) => {
  const { db, url } = await throwawayDb(t);
  const emulators = await startEmulators(t);
  const env = { ...provisionerEnv(url, emulators), AIDBOX_TIMEOUT_MS: HELD_CALL_TIMEOUT_MS };
  const provisioner = await startProvisioner(t, env);
  const health = await fetch(`${provisioner.metricsUrl}/health`);
  t.equal(health.status, 200, 'liveness');
  t.equal((await fetch(`${provisioner.metricsUrl}/ready`)).status, 200, 'readiness');
  const before = await scrape(provisioner.metricsUrl);
  t.match(before, /# TYPE provisioning_queue_depth gauge/);
  t.match(before, /# TYPE provisioning_queue_oldest_age_seconds gauge/);
  t.match(before, /process_cpu_user_seconds_total/);
  t.equal(sample(before, 'provisioning_queue_depth'), 0, 'an empty queue');
  t.equal(sample(before, 'provisioning_queue_oldest_age_seconds'), 0);

  // Jobs in hand (their first Aidbox calls held) are due: the queue has depth and an age.
  const inHand = emulators.sandbox.hold({ count: 2 });
  const slow = [await queueSandboxService(db), await queueSandboxService(db)];
  await inHand.arrived();
  const busy = await scrape(provisioner.metricsUrl);
  t.equal(sample(busy, 'provisioning_queue_depth'), 2, 'due jobs are counted (in hand too)');
  t.ok((sample(busy, 'provisioning_queue_oldest_age_seconds') ?? 0) > 0, 'the oldest due job has an age');

  // Aidbox refusing every call, the held ones included: attempts are retried and the errors counted.
  emulators.sandbox.setFaults({ errorRate: 1 });
  inHand.release();
  const services = [...slow, await queueSandboxService(db)];
  await waitFor(
    async () =>
      (sample(await scrape(provisioner.metricsUrl), 'provisioning_jobs_total', {
        environment: 'sandbox',
        outcome: 'retried',
      }) ?? 0) >= 1,
    15_000,
    'a retried job',
  );
  const failing = await scrape(provisioner.metricsUrl);
  t.ok(
    (sample(failing, 'aidbox_request_errors_total', { environment: 'sandbox', outcome: 'http_status' }) ?? 0) >= 1,
    'Aidbox errors are counted',
  );

  emulators.sandbox.setFaults({});
  for (const service of services) {
    await waitFor(async () => (await environmentState(db, service.id)) === 'ready', 20_000, 'ready');
  }
  const after = await scrape(provisioner.metricsUrl);
  t.ok(
    sample(after, 'provisioning_jobs_total', { environment: 'sandbox', outcome: 'succeeded' }) === 3,
    'the successes are counted',
  );
  t.ok(
    (sample(after, 'aidbox_request_duration_seconds_count', {
      environment: 'sandbox',
      method: 'PUT',
      operation: 'PUT /Client',
      outcome: 'ok',
    }) ?? 0) >= 2,
    'Aidbox calls are timed by operation',
  );
  t.equal(sample(after, 'provisioning_queue_depth'), 0, 'the queue drained');
  for (const service of services) t.notOk(after.includes(service.clientId), 'no client ids in labels');
  t.match(
    after,
    /aidbox_request_duration_seconds_bucket\{le="0.01",environment="sandbox",method="PUT",operation="PUT \/AccessPolicy",outcome="ok"\}/,
  );

  // The run logged retries with Aidbox's error messages; none of them carries a credential.
  const log = provisioner.lines.join('\n');
  t.match(log, /retrying/, 'the failures were logged');
  const { provisioner: credential } = emulators.portal.sandbox;
  const basic = Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString('base64');
  for (const [name, secret] of [
    ['the provisioning client secret', credential.clientSecret],
    ['the Basic credentials', basic],
    ['the encryption key', env.SECRET_ENCRYPTION_KEYS.split(':')[1] ?? ''],
  ] as const) {
    t.notOk(log.includes(secret), `${name} is not in the logs`);
  }
});

t.test('on SIGTERM finishes the job in hand, then exits 0', async (t) => {
  const { db, url } = await throwawayDb(t);
  const emulators = await startEmulators(t);
  const provisioner = await startProvisioner(t, {
    ...provisionerEnv(url, emulators),
    AIDBOX_TIMEOUT_MS: HELD_CALL_TIMEOUT_MS,
  });
  // The job's first Aidbox call is held: the worker is inside it when it is asked to stop.
  const inHand = emulators.sandbox.hold();
  const service = await queueSandboxService(db);
  await inHand.arrived();
  t.equal(await environmentState(db, service.id), 'pending', 'still in flight when signalled');
  let released = false;
  const exitedWhileHeld = provisioner.exit.then(() => !released);
  provisioner.child.kill('SIGTERM');
  await provisioner.logged('stopping: finishing the jobs in hand');
  const ready = await fetch(`${provisioner.metricsUrl}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.status,
    () => 'refused',
  );
  t.not(ready, 200, `readiness fails while draining (${ready})`);
  released = true;
  inHand.release();
  const { code } = await provisioner.exit;
  t.notOk(await exitedWhileHeld, 'it did not exit while its job was inside an Aidbox call');
  t.equal(code, 0, 'exits 0');
  t.equal(await environmentState(db, service.id), 'ready', 'the job in hand completed');
  t.ok(emulators.sandbox.resource('Client', service.clientId), 'the Client is in Aidbox');
  t.match(provisioner.lines.join('\n'), /stopped cleanly/);
});
