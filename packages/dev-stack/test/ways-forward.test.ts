// The ways forward from review and from Rejected (issue 21) end to end: the registration API over HTTP, the
// provisioner, and what lands in the Aidbox emulators.
import { accessPolicyId } from '@payerbox/aidbox';
import t from 'tap';
import { tokenWithSecret } from './helpers/smart-client.ts';
import { readySecretService, startStack } from './helpers/stack.ts';

const service = () => ({
  name: `Forward ${Math.random().toString(36).slice(2, 8)}`,
  scopeVersion: 'v2' as const,
  scopes: ['system/Patient.rs'],
});

t.test(
  "retiring an active service disables its production and sandbox clients, as an admin's deactivate",
  async (t) => {
    const stack = await startStack(t);
    await stack.startWorker();
    const { id, clientId, clientSecret } = await readySecretService(t, stack, service());
    t.equal((await stack.developer.api('POST', `/backend-services/${id}/submit`)).status, 200);
    t.equal((await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status, 200);
    const approved = await stack.waitForEnvironment(id, 'production', 'ready');
    const productionSecret = (await stack.developer.api('POST', `/backend-services/${id}/production-secret`)).body
      .clientSecret as string;
    const tokenUrl = approved.environments.production.tokenUrl;
    t.equal((await tokenWithSecret(tokenUrl, clientId, productionSecret)).status, 200);

    const retired = await stack.developer.api('POST', `/backend-services/${id}/retire`, { reason: 'Moved elsewhere' });
    t.equal(retired.status, 200);
    t.match(retired.body, { status: 'rejected', rejectionReason: 'Moved elsewhere' });
    await stack.waitForEnvironment(id, 'production', 'disabled');
    await stack.waitForEnvironment(id, 'sandbox', 'disabled');
    t.match(stack.emulators.production.resource('Client', clientId), { active: false });
    t.match(stack.emulators.sandbox.resource('Client', clientId), { active: false });
    t.notOk(stack.emulators.production.resource('AccessPolicy', accessPolicyId(clientId)), 'no production policy');
    const refused = await tokenWithSecret(tokenUrl, clientId, productionSecret);
    t.not(refused.status, 200, 'production grants no token any more');
    t.not((await tokenWithSecret(retired.body.environments.sandbox.tokenUrl, clientId, clientSecret)).status, 200);
  },
);

t.test('a copy of a rejected client-secret service gets its own client and secret, ready in the sandbox', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const source = await readySecretService(t, stack, service());
  await stack.developer.api('POST', `/backend-services/${source.id}/submit`);
  await stack.admin.api('POST', `/admin/backend-services/${source.id}/reject`, { reason: 'Too broad' });
  await stack.waitForEnvironment(source.id, 'sandbox', 'disabled');

  const copied = await stack.developer.api('POST', `/backend-services/${source.id}/copy`);
  t.equal(copied.status, 201);
  const copy = copied.body as { id: string; clientId: string; clientSecret: string };
  t.not(copy.clientId, source.clientId, 'a new client id');
  t.not(copy.clientSecret, source.clientSecret, 'a new secret');
  const ready = await stack.waitForEnvironment(copy.id, 'sandbox', 'ready');
  t.match(stack.emulators.sandbox.resource('Client', copy.clientId), { active: true, scope: ['system/Patient.rs'] });
  t.equal((await tokenWithSecret(ready.environments.sandbox.tokenUrl, copy.clientId, copy.clientSecret)).status, 200);
  t.match(stack.emulators.sandbox.resource('Client', source.clientId), { active: false }, 'the source stays off');
});

t.test("removing a rejected service from the dashboard keeps its clients disabled, unlike a draft's", async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const { id, clientId } = await readySecretService(t, stack, service());
  await stack.developer.api('POST', `/backend-services/${id}/submit`);
  await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {});
  await stack.waitForEnvironment(id, 'production', 'ready');
  await stack.admin.api('POST', `/admin/backend-services/${id}/deactivate`, { reason: 'Contract ended' });
  await stack.waitForEnvironment(id, 'production', 'disabled');
  await stack.waitForEnvironment(id, 'sandbox', 'disabled');

  t.equal((await stack.developer.api('DELETE', `/backend-services/${id}`)).status, 204);
  t.equal((await stack.developer.api('GET', `/backend-services/${id}`)).status, 404);
  // The delete re-reconciled the sandbox: once it has settled again, the client is still there, switched off.
  const removed = await stack.waitForEnvironment(id, 'sandbox', 'disabled');
  t.ok(removed.deletedAt, 'the admin view shows it removed');
  t.match(stack.emulators.sandbox.resource('Client', clientId), { active: false });
  t.match(stack.emulators.production.resource('Client', clientId), { active: false });
});
