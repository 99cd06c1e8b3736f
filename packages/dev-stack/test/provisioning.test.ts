import { accessPolicyId } from '@payerbox/aidbox';
import t from 'tap';
import { ROOT_CLIENT, startStack } from './helpers/stack.ts';

const service = (overrides: Record<string, unknown> = {}) => ({
  name: `E2E ${Math.random().toString(36).slice(2, 8)}`,
  authMethod: 'client_secret',
  scopeVersion: 'v2',
  scopes: ['system/Patient.rs'],
  ...overrides,
});

t.test('provisions a new service into the sandbox with an access policy derived from its scopes', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const created = await stack.developer.api('POST', '/backend-services', service({ scopes: ['system/Patient.rs'] }));
  t.equal(created.status, 201);
  t.match(created.body.environments.sandbox, { state: 'pending' });
  const ready = await stack.waitForEnvironment(created.body.id, 'sandbox', 'ready');
  t.match(ready.environments.sandbox, {
    clientId: created.body.clientId,
    error: null,
    tokenUrl: `${stack.emulators.sandbox.url}/auth/token`,
    fhirBaseUrl: `${stack.emulators.sandbox.url}/fhir`,
    smartConfigurationUrl: `${stack.emulators.sandbox.url}/.well-known/smart-configuration`,
    capabilityStatementUrl: `${stack.emulators.sandbox.url}/fhir/metadata`,
  });
  t.equal(ready.environments.production, null, 'production appears only on approval');
  const client = stack.emulators.sandbox.resource('Client', created.body.clientId);
  t.match(client, { active: true, grant_types: ['client_credentials'], scope: ['system/Patient.rs'] });
  t.notOk(stack.emulators.production.resource('Client', created.body.clientId));
});

t.test('updates the sandbox client when a draft changes and removes it when the draft is deleted', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const created = await stack.developer.api('POST', '/backend-services', service());
  const id = created.body.id;
  await stack.waitForEnvironment(id, 'sandbox', 'ready');
  // Several edits in a row converge to the last one.
  for (const [version, scopes] of [
    [1, ['system/Coverage.rs']],
    [2, ['system/Coverage.rs', 'system/Observation.rs']],
  ] as const) {
    const edited = await fetch(`${stack.apiUrl}/api/v1/backend-services/${id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${stack.developer.token}`,
        'content-type': 'application/json',
        'if-match': `"${version}"`,
      },
      body: JSON.stringify({ scopes }),
    });
    t.equal(edited.status, 200);
  }
  await stack.waitForEnvironment(id, 'sandbox', 'ready');
  t.same(stack.emulators.sandbox.resource('Client', created.body.clientId)?.scope, [
    'system/Coverage.rs',
    'system/Observation.rs',
  ]);
  t.equal((await stack.developer.api('DELETE', `/backend-services/${id}`)).status, 204);
  const deadline = Date.now() + 10_000;
  while (stack.emulators.sandbox.resource('Client', created.body.clientId) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.notOk(stack.emulators.sandbox.resource('Client', created.body.clientId), 'the sandbox client is gone');
});

t.test('approval provisions production; deactivation disables production and sandbox', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const { body } = await stack.developer.api('POST', '/backend-services', service());
  await stack.waitForEnvironment(body.id, 'sandbox', 'ready');
  t.equal((await stack.developer.api('POST', `/backend-services/${body.id}/submit`)).status, 200);
  t.equal((await stack.admin.api('POST', `/admin/backend-services/${body.id}/approve`, {})).status, 200);
  const approved = await stack.waitForEnvironment(body.id, 'production', 'ready');
  t.match(approved.environments.production, { tokenUrl: `${stack.emulators.production.url}/auth/token` });
  t.match(stack.emulators.production.resource('Client', body.clientId), { active: true });
  t.ok(stack.emulators.production.resource('AccessPolicy', accessPolicyId(body.clientId)), 'with its access policy');

  const deactivated = await stack.admin.api('POST', `/admin/backend-services/${body.id}/deactivate`, {
    reason: 'Contract ended',
  });
  t.equal(deactivated.status, 200);
  await stack.waitForEnvironment(body.id, 'production', 'disabled');
  await stack.waitForEnvironment(body.id, 'sandbox', 'disabled');
  t.match(stack.emulators.production.resource('Client', body.clientId), { active: false });
  t.match(stack.emulators.sandbox.resource('Client', body.clientId), { active: false });
});

t.test('shutdown finishes the job in hand', async (t) => {
  const stack = await startStack(t, { latencyMs: 300 });
  const worker = await stack.startWorker();
  const { body } = await stack.developer.api('POST', '/backend-services', service());
  const deadline = Date.now() + 5_000;
  while (!stack.emulators.sandbox.requests().length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await worker.stop();
  const after = await stack.developer.api('GET', `/backend-services/${body.id}`);
  t.equal(after.body.environments.sandbox.state, 'ready', 'the job in hand was finished before the worker stopped');
});

t.test('rejection disables the sandbox client', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const { body } = await stack.developer.api('POST', '/backend-services', service());
  await stack.developer.api('POST', `/backend-services/${body.id}/submit`);
  await stack.admin.api('POST', `/admin/backend-services/${body.id}/reject`, { reason: 'Too broad' });
  await stack.waitForEnvironment(body.id, 'sandbox', 'disabled');
  t.match(stack.emulators.sandbox.resource('Client', body.clientId), { active: false });
});

t.test('repairs drift: a client deleted by hand in Aidbox comes back', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker({ resyncIntervalMs: 1_000 });
  const { body } = await stack.developer.api('POST', '/backend-services', service());
  await stack.waitForEnvironment(body.id, 'sandbox', 'ready');
  // Deleted by hand, as the payer's operator would (as root).
  const admin = Buffer.from(`${ROOT_CLIENT.id}:${ROOT_CLIENT.secret}`).toString('base64');
  const removed = await fetch(`${stack.emulators.sandbox.url}/Client/${body.clientId}`, {
    method: 'DELETE',
    headers: { authorization: `Basic ${admin}` },
  });
  t.equal(removed.status, 200);
  const deadline = Date.now() + 15_000;
  while (!stack.emulators.sandbox.resource('Client', body.clientId) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.match(stack.emulators.sandbox.resource('Client', body.clientId), { active: true }, 'the resync re-created it');
});

t.test('several workers at once never apply a change twice', async (t) => {
  const stack = await startStack(t);
  await Promise.all([stack.startWorker({ concurrency: 4 }), stack.startWorker({ concurrency: 4 })]);
  const created = await Promise.all(
    Array.from({ length: 20 }, () => stack.developer.api('POST', '/backend-services', service())),
  );
  for (const { body } of created) await stack.waitForEnvironment(body.id, 'sandbox', 'ready');
  const clientPuts = stack.emulators.sandbox
    .requests()
    .filter((r) => r.method === 'PUT' && r.path.startsWith('/Client/'));
  t.equal(clientPuts.length, 20, 'one PUT per client');
  t.equal(new Set(clientPuts.map((r) => r.path)).size, 20);
});
