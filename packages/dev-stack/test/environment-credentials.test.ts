// Credentials per environment (issue 21) end to end: the registration API over HTTP, the provisioner, and what the
// Aidbox emulators' token endpoints and FHIR API then accept. The cutover test plays a client that follows the
// procedure in the README ("Credentials per environment") and counts every request that fails.
import { setTimeout as delay } from 'node:timers/promises';
import t, { type Test } from 'tap';
import type { LocalStack } from '../src/local-stack.ts';
import { fhirStatus, hostKeySet, tokenWithAssertion, tokenWithSecret } from './helpers/smart-client.ts';
import { productionSecret, readySecretService, startStack } from './helpers/stack.ts';

const service = () => ({
  name: `Credentials ${Math.random().toString(36).slice(2, 8)}`,
  scopeVersion: 'v2' as const,
  scopes: ['system/Patient.rs'],
});

/** A client-secret service approved and ready in production, with both its secrets. */
async function activeSecretService(t: Test, stack: LocalStack) {
  const { id, clientId, clientSecret, sandbox } = await readySecretService(t, stack, service());
  t.equal((await stack.developer.api('POST', `/backend-services/${id}/submit`)).status, 200);
  t.equal((await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status, 200);
  const production = (await stack.waitForEnvironment(id, 'production', 'ready')).environments.production;
  return {
    id,
    clientId,
    sandboxSecret: clientSecret,
    productionSecret: await productionSecret(stack, id),
    sandbox,
    production,
  };
}

/** The service's production secret cutover as its owner sees it now. */
async function cutoverOf(stack: LocalStack, id: string) {
  const { body } = await stack.developer.api('GET', `/backend-services/${id}`);
  return body.productionSecret.cutover as { state: string; switchedBy: string | null } | null;
}

/**
 * Reads the service until its cutover is applied, as stack.waitForEnvironment waits for a state: a read every 50 ms,
 * for at most `timeoutMs`.
 */
async function untilApplied(stack: LocalStack, id: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const cutover = await cutoverOf(stack, id);
    if (cutover?.state === 'applied') return { cutover };
    await delay(50);
  }
  throw new Error(`the cutover of ${id} was not applied within ${timeoutMs} ms`);
}

t.test(
  "the sandbox secret is refused by production's token endpoint, and the production secret by the sandbox's",
  async (t) => {
    const stack = await startStack(t);
    await stack.startWorker();
    const {
      clientId,
      sandboxSecret,
      productionSecret: secret,
      sandbox,
      production,
    } = await activeSecretService(t, stack);
    t.not(secret, sandboxSecret);
    t.equal(
      (await tokenWithSecret(production.tokenUrl, clientId, sandboxSecret)).status,
      400,
      'sandbox secret refused',
    );
    t.equal((await tokenWithSecret(sandbox.tokenUrl, clientId, secret)).status, 400, 'production secret refused');
    t.equal((await tokenWithSecret(production.tokenUrl, clientId, secret)).status, 200);
    t.equal((await tokenWithSecret(sandbox.tokenUrl, clientId, sandboxSecret)).status, 200);
  },
);

t.test(
  'a client that follows the documented procedure makes no failed request while the production secret rotates',
  async (t) => {
    const stack = await startStack(t);
    await stack.startWorker();
    const { id, clientId, productionSecret: oldSecret, production } = await activeSecretService(t, stack);
    const patient = `${production.fhirBaseUrl}/Patient/test-pt-1`;
    const started = Date.now();
    let requests = 0;
    const failures: string[] = [];
    let secret = oldSecret;
    let accessToken = '';
    let lifetimeSeconds = 0;
    // One unit of the client's work: a token request with the secret it holds (unless told to keep its token), then
    // a FHIR read with the token.
    const work = async (takeToken: boolean) => {
      if (takeToken) {
        const token = await tokenWithSecret(production.tokenUrl, clientId, secret);
        requests++;
        if (token.status !== 200) failures.push(`token ${token.status} ${JSON.stringify(token.body)}`);
        accessToken = token.body.access_token as string;
        lifetimeSeconds = token.body.expires_in as number;
      }
      const status = await fhirStatus(patient, accessToken);
      requests++;
      if (status !== 200) failures.push(`read ${status}`);
    };

    for (let round = 0; round < 5; round++) await work(true);
    // 1. Rotate: the new secret is shown once and pending; production still takes the old one.
    const rotated = await stack.developer.api('POST', `/backend-services/${id}/rotate-secret`, {
      environment: 'production',
    });
    t.equal(rotated.status, 200);
    const newSecret = rotated.body.clientSecret as string;
    t.equal((await cutoverOf(stack, id))?.state, 'pending');
    for (let round = 0; round < 5; round++) await work(true);
    // 2. Take a fresh token with the old secret, then confirm the switch.
    await work(true);
    const tokenTakenAt = Date.now();
    t.equal((await stack.developer.api('POST', `/backend-services/${id}/rotate-secret/confirm`)).status, 200);
    // 3. Until the cutover is applied, keep working with that token, taking none: a read, then until the provisioner
    // has settled production again (it records the cutover applied as it writes the Client), then another read.
    let applied = false;
    for (let round = 0; !applied; round++) {
      if (round === 20) throw new Error('the cutover was not applied');
      await work(false);
      await stack.waitForEnvironment(id, 'production', 'ready');
      applied = (await cutoverOf(stack, id))?.state === 'applied';
      await work(false);
    }
    t.ok(Date.now() - tokenTakenAt < lifetimeSeconds * 1000, 'the switch took less than the token lifetime');
    // 4. Applied: take tokens with the new secret from now on.
    secret = newSecret;
    for (let round = 0; round < 5; round++) await work(true);

    t.same(failures, [], 'no request failed');
    t.ok(requests < 100, `bounded in requests (${requests})`);
    t.ok(Date.now() - started < 30_000, 'and in time');
    t.equal((await tokenWithSecret(production.tokenUrl, clientId, oldSecret)).status, 400, 'the old secret is cut');
    const events = (await stack.developer.api('GET', `/backend-services/${id}/events`)).body.items as {
      action: string;
    }[];
    t.same(
      events.slice(0, 3).map((event) => event.action),
      ['secret_cutover_applied', 'confirm_secret_cutover', 'start_secret_cutover'],
      'every step is audited',
    );
  },
);

t.test('the deadline switches production to the new secret when its owner does not confirm', async (t) => {
  const stack = await startStack(t, {}, { config: { SECRET_CUTOVER_DEADLINE_SECONDS: '1' } });
  await stack.startWorker({ secretCutoverIntervalMs: 100 });
  const { id, clientId, productionSecret: oldSecret, production } = await activeSecretService(t, stack);
  const rotated = await stack.developer.api('POST', `/backend-services/${id}/rotate-secret`, {
    environment: 'production',
  });
  t.equal(rotated.status, 200);
  const { cutover } = await untilApplied(stack, id);
  t.equal(cutover.switchedBy, 'deadline');
  t.equal((await tokenWithSecret(production.tokenUrl, clientId, rotated.body.clientSecret)).status, 200);
  t.equal((await tokenWithSecret(production.tokenUrl, clientId, oldSecret)).status, 400);
  const events = (await stack.developer.api('GET', `/backend-services/${id}/events`)).body.items as {
    action: string;
    actor: unknown;
  }[];
  t.match(events.slice(0, 2), [
    { action: 'secret_cutover_applied', actor: null },
    { action: 'secret_cutover_due', actor: null },
  ]);
});

t.test('an emergency rotation cuts the old production secret at once, leaving the sandbox as it is', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const {
    id,
    clientId,
    sandboxSecret,
    productionSecret: oldSecret,
    sandbox,
    production,
  } = await activeSecretService(t, stack);
  const rotated = await stack.developer.api('POST', `/backend-services/${id}/rotate-secret`, {
    environment: 'production',
    immediate: true,
  });
  t.equal(rotated.status, 200);
  const { cutover } = await untilApplied(stack, id);
  t.equal(cutover.switchedBy, 'emergency');
  t.equal((await tokenWithSecret(production.tokenUrl, clientId, oldSecret)).status, 400, 'the old secret is cut');
  t.equal((await tokenWithSecret(production.tokenUrl, clientId, rotated.body.clientSecret)).status, 200);
  t.equal((await tokenWithSecret(sandbox.tokenUrl, clientId, sandboxSecret)).status, 200, 'the sandbox is untouched');
});

t.test("production's own key set URL is used in production only; the sandbox keeps jwksUri", async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const sandboxKeys = await hostKeySet(t);
  const productionKeys = await hostKeySet(t);
  const created = await stack.developer.api('POST', '/backend-services', {
    ...service(),
    authMethod: 'jwks_uri',
    jwksUri: sandboxKeys.jwksUri,
    productionJwksUri: productionKeys.jwksUri,
  });
  t.equal(created.status, 201, created.body?.code ?? 'registered');
  const { id, clientId } = created.body;
  const sandbox = (await stack.waitForEnvironment(id, 'sandbox', 'ready')).environments.sandbox;
  await stack.developer.api('POST', `/backend-services/${id}/submit`);
  await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {});
  const production = (await stack.waitForEnvironment(id, 'production', 'ready')).environments.production;
  t.match(stack.emulators.production.resource('Client', clientId), { jwks_uri: productionKeys.jwksUri });
  t.match(stack.emulators.sandbox.resource('Client', clientId), { jwks_uri: sandboxKeys.jwksUri });
  const token = (url: string, keys: typeof sandboxKeys) => tokenWithAssertion(url, clientId, keys.keys.RS384);
  t.equal((await token(production.tokenUrl, productionKeys)).status, 200, 'production keys in production');
  t.equal((await token(production.tokenUrl, sandboxKeys)).status, 400, 'sandbox keys refused in production');
  t.equal((await token(sandbox.tokenUrl, sandboxKeys)).status, 200, 'sandbox keys in the sandbox');
  t.equal((await token(sandbox.tokenUrl, productionKeys)).status, 400, 'production keys refused in the sandbox');
});
