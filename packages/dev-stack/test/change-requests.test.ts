// Change requests of active services (issue 21) end to end: the registration API over HTTP, the provisioner, and what
// the Aidbox emulators then let a client do. Production runs the approved configuration; the sandbox runs a pending
// request's proposed one, and goes back when it is rejected or withdrawn.

import t, { type Test } from 'tap';
import type { LocalStack } from '../src/local-stack.ts';
import { fhirStatus, hostKeySet, tokenWithAssertion, tokenWithSecret } from './helpers/smart-client.ts';
import { readySecretService, startStack } from './helpers/stack.ts';

const OBSERVATION = '/Observation/obs-test-pt-1-a1c';

const service = (scopes: string[]) => ({
  name: `Change ${Math.random().toString(36).slice(2, 8)}`,
  scopeVersion: 'v2' as const,
  scopes,
});

interface Environment {
  tokenUrl: string;
  fhirBaseUrl: string;
}

/** What a fresh client-secret token of this client may read at `path` in one environment. */
async function readStatus(environment: Environment, clientId: string, secret: string, path = OBSERVATION) {
  const token = await tokenWithSecret(environment.tokenUrl, clientId, secret);
  if (token.status !== 200) return token.status;
  return fhirStatus(`${environment.fhirBaseUrl}${path}`, token.body.access_token as string);
}

/**
 * A client-secret service approved through the API, once its production client is ready, with production's own
 * secret retrieved (`clientSecret` is the sandbox's).
 */
async function activeSecretService(t: Test, stack: LocalStack, scopes: string[]) {
  const created = await readySecretService(t, stack, service(scopes));
  await stack.developer.api('POST', `/backend-services/${created.id}/submit`);
  await stack.admin.api('POST', `/admin/backend-services/${created.id}/approve`, {});
  const ready = await stack.waitForEnvironment(created.id, 'production', 'ready');
  const environments = ready.environments as { sandbox: Environment; production: Environment };
  const retrieved = await stack.developer.api('POST', `/backend-services/${created.id}/production-secret`);
  if (retrieved.status !== 200) throw new Error(`production secret: ${retrieved.status}`);
  const productionSecret = (retrieved.body as { clientSecret: string }).clientSecret;
  return { ...created, ...environments, productionSecret };
}

t.test(
  'while a request is pending a production token cannot use the proposed scope, the sandbox can; after approval production can',
  async (t) => {
    const stack = await startStack(t);
    await stack.startWorker();
    const { id, clientId, clientSecret, productionSecret, sandbox, production } = await activeSecretService(t, stack, [
      'system/Patient.rs',
    ]);
    t.equal(await readStatus(production, clientId, productionSecret), 403, 'production: no Observation before');

    const proposed = await stack.developer.api('POST', `/backend-services/${id}/change-requests`, {
      scopes: ['system/Patient.rs', 'system/Observation.rs'],
    });
    t.equal(proposed.status, 201);
    await stack.waitForEnvironment(id, 'sandbox', 'ready');
    t.equal(await readStatus(sandbox, clientId, clientSecret), 200, 'the sandbox runs the proposed scopes');
    t.equal(await readStatus(production, clientId, productionSecret), 403, 'production still runs the approved ones');
    t.match(stack.emulators.production.resource('Client', clientId), { scope: ['system/Patient.rs'] });

    const requestId = (proposed.body as { id: string }).id;
    const approved = await stack.admin.api(
      'POST',
      `/admin/backend-services/${id}/change-requests/${requestId}/approve`,
      {
        note: 'Covered',
      },
    );
    t.equal(approved.status, 200);
    await stack.waitForEnvironment(id, 'production', 'ready');
    await stack.waitForEnvironment(id, 'sandbox', 'ready');
    t.equal(await readStatus(production, clientId, productionSecret), 200, 'production runs it once approved');
    t.equal(await readStatus(sandbox, clientId, clientSecret), 200, 'and the sandbox keeps it');
  },
);

t.test('rejecting or withdrawing a pending request puts the sandbox back on the approved configuration', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const { id, clientId, clientSecret, sandbox } = await activeSecretService(t, stack, ['system/Patient.rs']);
  const proposeObservation = async () => {
    const proposed = await stack.developer.api('POST', `/backend-services/${id}/change-requests`, {
      scopes: ['system/Patient.rs', 'system/Observation.rs'],
    });
    t.equal(proposed.status, 201);
    await stack.waitForEnvironment(id, 'sandbox', 'ready');
    t.equal(await readStatus(sandbox, clientId, clientSecret), 200, 'the sandbox runs the proposal');
    return `/change-requests/${(proposed.body as { id: string }).id}`;
  };

  const rejected = await proposeObservation();
  const reject = await stack.admin.api('POST', `/admin/backend-services/${id}${rejected}/reject`, {
    reason: 'Not covered',
  });
  t.equal(reject.status, 200);
  await stack.waitForEnvironment(id, 'sandbox', 'ready');
  t.equal(await readStatus(sandbox, clientId, clientSecret), 403, 'back to the approved scopes after reject');
  t.match(stack.emulators.sandbox.resource('Client', clientId), { scope: ['system/Patient.rs'] });

  const withdrawn = await proposeObservation();
  t.equal((await stack.developer.api('POST', `/backend-services/${id}${withdrawn}/withdraw`)).status, 200);
  await stack.waitForEnvironment(id, 'sandbox', 'ready');
  t.equal(await readStatus(sandbox, clientId, clientSecret), 403, 'back to the approved scopes after withdraw');
});

t.test('a narrowing change reaches production and the sandbox at once, without review', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const { id, clientId, clientSecret, productionSecret, sandbox, production } = await activeSecretService(t, stack, [
    'system/Observation.rs',
    'system/Patient.rs',
  ]);
  t.equal(await readStatus(production, clientId, productionSecret), 200);
  const narrowed = await stack.developer.api('POST', `/backend-services/${id}/change-requests`, {
    scopes: ['system/Patient.rs'],
  });
  t.equal(narrowed.status, 200, 'applied at once');
  await stack.waitForEnvironment(id, 'production', 'ready');
  await stack.waitForEnvironment(id, 'sandbox', 'ready');
  t.equal(await readStatus(production, clientId, productionSecret), 403, 'production lost Observation');
  t.equal(await readStatus(sandbox, clientId, clientSecret), 403, 'so did the sandbox');
  t.equal(await readStatus(production, clientId, productionSecret, '/Patient/test-pt-1'), 200, 'Patient stays');
});

t.test(
  'a proposed switch to a client secret works in the sandbox at once; approval gives production a secret of its own',
  async (t) => {
    const stack = await startStack(t);
    await stack.startWorker();
    const keys = await hostKeySet(t);
    const created = await stack.developer.api('POST', '/backend-services', {
      ...service(['system/Patient.rs']),
      authMethod: 'jwks_uri',
      jwksUri: keys.jwksUri,
    });
    t.equal(created.status, 201);
    const { id, clientId } = created.body as { id: string; clientId: string };
    await stack.waitForEnvironment(id, 'sandbox', 'ready');
    await stack.developer.api('POST', `/backend-services/${id}/submit`);
    await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {});
    const ready = await stack.waitForEnvironment(id, 'production', 'ready');
    const { sandbox, production } = ready.environments as { sandbox: Environment; production: Environment };

    const proposed = await stack.developer.api('POST', `/backend-services/${id}/change-requests`, {
      authMethod: 'client_secret',
    });
    t.equal(proposed.status, 201);
    const { id: requestId, clientSecret } = proposed.body as { id: string; clientSecret: string };
    await stack.waitForEnvironment(id, 'sandbox', 'ready');
    t.equal((await tokenWithSecret(sandbox.tokenUrl, clientId, clientSecret)).status, 200, 'the sandbox takes it');
    t.not((await tokenWithSecret(production.tokenUrl, clientId, clientSecret)).status, 200, 'production does not');
    const assertion = await tokenWithAssertion(production.tokenUrl, clientId, keys.keys.RS384);
    t.equal(assertion.status, 200, 'production keeps the key set');

    await stack.admin.api('POST', `/admin/backend-services/${id}/change-requests/${requestId}/approve`, {});
    await stack.waitForEnvironment(id, 'production', 'ready');
    // As after an approval: production has its own secret, retrieved once; the sandbox secret never works there.
    const retrieved = await stack.developer.api('POST', `/backend-services/${id}/production-secret`);
    t.equal(retrieved.status, 200, 'the production secret is there to retrieve');
    const productionSecret = (retrieved.body as { clientSecret: string }).clientSecret;
    t.not(productionSecret, clientSecret, 'a secret of its own');
    t.equal(
      (await tokenWithSecret(production.tokenUrl, clientId, productionSecret)).status,
      200,
      'approved: production',
    );
    t.not((await tokenWithSecret(production.tokenUrl, clientId, clientSecret)).status, 200, 'not the sandbox secret');
    t.equal((await tokenWithSecret(sandbox.tokenUrl, clientId, clientSecret)).status, 200, 'the sandbox keeps it');
  },
);
