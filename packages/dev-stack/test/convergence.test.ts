import { accessPolicyId } from '@payerbox/aidbox';
import { createDb } from '@payerbox/db';
import t from 'tap';
import { runProcess } from '../src/processes.ts';
import { hostKeySet } from './helpers/smart-client.ts';
import { startStack } from './helpers/stack.ts';

const SERVICES = 30;

t.test(
  'with a third of Aidbox calls failing and a worker killed mid-run, every service converges exactly once',
  async (t) => {
    const stack = await startStack(t, { errorRate: 1 / 3 });
    // A provisioner process that will die without warning, and an in-process worker that survives it. The lease hands
    // the dead worker's jobs over, so the doomed one takes short leases.
    const doomed = runProcess('doomed-provisioner', 'services/provisioner/src/server.ts', {
      ...stack.provisionerEnv({ concurrency: 4, maxAttempts: 50, maxBackoffMs: 50 }),
      LEASE_MS: '2000',
    });
    t.teardown(() => doomed.stop(1_000));
    await stack.startWorker({ concurrency: 4, maxAttempts: 50, maxBackoffMs: 50 });

    const { jwksUri } = await hostKeySet(t);
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
    t.ok(created.every((r) => r.status === 201));
    const services = created.map((r) => r.body);
    // Half of them go on to production.
    for (const service of services.slice(0, 10)) {
      await stack.developer.api('POST', `/backend-services/${service.id}/submit`);
      await stack.admin.api('POST', `/admin/backend-services/${service.id}/approve`, {});
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    doomed.child.kill('SIGKILL');

    for (const service of services) await stack.waitForEnvironment(service.id, 'sandbox', 'ready', 60_000);
    for (const service of services.slice(0, 10))
      await stack.waitForEnvironment(service.id, 'production', 'ready', 60_000);

    for (const service of services) {
      t.match(stack.emulators.sandbox.resource('Client', service.clientId), { active: true });
      t.ok(stack.emulators.sandbox.resource('AccessPolicy', accessPolicyId(service.clientId)));
    }
    const db = createDb({ databaseUrl: stack.databaseUrl, poolSize: 1 });
    t.teardown(() => db.destroy());
    const left = await db
      .selectFrom('provisioningJobs')
      .select('id')
      .where(
        'serviceId',
        'in',
        services.map((s) => s.id),
      )
      .execute();
    t.same(left, [], 'no job is left behind');
    const sandboxClients = stack.emulators.sandbox
      .requests()
      .filter((r) => r.method === 'PUT' && r.path.startsWith('/Client/') && r.status < 300)
      .map((r) => r.path);
    t.equal(new Set(sandboxClients).size, services.length, 'exactly one sandbox client per service');
  },
);
