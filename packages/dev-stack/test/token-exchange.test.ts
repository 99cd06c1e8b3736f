import t from 'tap';
import { fhirStatus, hostKeySet, tokenWithAssertion, tokenWithSecret } from './helpers/smart-client.ts';
import { readySecretService, startStack } from './helpers/stack.ts';

t.test(
  'a JWKS service gets sandbox tokens with RS384 and ES384 assertions and reads only what its scopes allow',
  async (t) => {
    const stack = await startStack(t);
    await stack.startWorker();
    const { jwksUri, keys } = await hostKeySet(t);
    const created = await stack.developer.api('POST', '/backend-services', {
      name: 'Bulk exporter',
      authMethod: 'jwks_uri',
      jwksUri,
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
    });
    t.equal(created.status, 201, created.body?.code ?? 'created');
    const ready = await stack.waitForEnvironment(created.body.id, 'sandbox', 'ready');
    const sandbox = ready.environments.sandbox;

    for (const alg of ['RS384', 'ES384'] as const) {
      const token = await tokenWithAssertion(sandbox.tokenUrl, sandbox.clientId, keys[alg]);
      t.equal(token.status, 200, `${alg}: ${token.body.error ?? 'token granted'}`);
      t.equal(token.body.scope, 'system/Patient.rs');
      const accessToken = token.body.access_token as string;
      t.equal(
        await fhirStatus(`${sandbox.fhirBaseUrl}/Patient/test-pt-1`, accessToken),
        200,
        `${alg}: reads the patient`,
      );
      t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}/Coverage`, accessToken), 403, `${alg}: no Coverage scope`);
    }
    const production = await tokenWithAssertion(
      `${stack.emulators.production.url}/auth/token`,
      sandbox.clientId,
      keys.RS384,
    );
    t.equal(production.status, 400, 'no production client before approval');
  },
);

t.test(
  'a client-secret service gets tokens in sandbox, then production with its own secret after approval, and none once deactivated',
  async (t) => {
    const stack = await startStack(t);
    await stack.startWorker();
    const { id, clientId, clientSecret, sandbox } = await readySecretService(t, stack, {
      name: 'Claims sync',
      scopeVersion: 'v1',
      scopes: ['system/Patient.read'],
    });
    const sandboxToken = await tokenWithSecret(sandbox.tokenUrl, clientId, clientSecret);
    t.equal(sandboxToken.status, 200, sandboxToken.body.error ?? 'token granted');
    t.equal(
      await fhirStatus(`${sandbox.fhirBaseUrl}/Patient/test-pt-1`, sandboxToken.body.access_token as string),
      200,
    );
    t.equal(
      await fhirStatus(`${sandbox.fhirBaseUrl}/ExplanationOfBenefit`, sandboxToken.body.access_token as string),
      403,
    );

    await stack.developer.api('POST', `/backend-services/${id}/submit`);
    await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, { note: 'ok' });
    const production = (await stack.waitForEnvironment(id, 'production', 'ready')).environments.production;
    const retrieved = await stack.developer.api('POST', `/backend-services/${id}/production-secret`);
    const productionSecret = retrieved.body.clientSecret as string;
    const productionToken = await tokenWithSecret(production.tokenUrl, clientId, productionSecret);
    t.equal(productionToken.status, 200, 'production takes its own secret');
    t.equal(
      await fhirStatus(`${production.fhirBaseUrl}/Patient/test-pt-1`, productionToken.body.access_token as string),
      200,
    );

    const rotated = await stack.developer.api('POST', `/backend-services/${id}/rotate-secret`, {
      environment: 'production',
      immediate: true,
    });
    await stack.waitForEnvironment(id, 'production', 'ready');
    t.equal((await tokenWithSecret(production.tokenUrl, clientId, productionSecret)).status, 400, 'the old one stops');
    t.equal((await tokenWithSecret(production.tokenUrl, clientId, rotated.body.clientSecret)).status, 200);
    t.equal((await tokenWithSecret(sandbox.tokenUrl, clientId, clientSecret)).status, 200, 'the sandbox keeps its own');

    await stack.admin.api('POST', `/admin/backend-services/${id}/deactivate`, { reason: 'Ended' });
    await stack.waitForEnvironment(id, 'production', 'disabled');
    await stack.waitForEnvironment(id, 'sandbox', 'disabled');
    t.equal((await tokenWithSecret(production.tokenUrl, clientId, rotated.body.clientSecret)).status, 400);
    t.equal((await tokenWithSecret(sandbox.tokenUrl, clientId, clientSecret)).status, 400);
  },
);

t.test(
  'a production Aidbox that advertises RS384 only refuses an ES384 assertion and accepts RS384, with the same key set',
  async (t) => {
    const stack = await startStack(t, {}, { assertionAlgorithms: { production: ['RS384'] } });
    await stack.startWorker();
    const { jwksUri, keys } = await hostKeySet(t);
    const report = await stack.developer.api('POST', '/jwks-checks', { jwksUri });
    t.equal(report.body.verdict, 'pass', 'the set has an RSA key for production');
    t.match(report.body.keys, [
      { alg: 'RS384', usableIn: { sandbox: true, production: true } },
      { alg: 'ES384', usableIn: { sandbox: true, production: false } },
    ]);
    const environments = await stack.developer.api('GET', '/environments');
    t.same(environments.body.production.tokenEndpointAuthSigningAlgs, ['RS384'], 'read from the production emulator');

    const created = await stack.developer.api('POST', '/backend-services', {
      name: 'Claims exporter',
      authMethod: 'jwks_uri',
      jwksUri,
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
    });
    t.equal(created.status, 201, created.body?.code ?? 'created');
    const { id, clientId } = created.body;
    const sandbox = (await stack.waitForEnvironment(id, 'sandbox', 'ready')).environments.sandbox;
    t.equal((await tokenWithAssertion(sandbox.tokenUrl, clientId, keys.ES384)).status, 200, 'the sandbox takes ES384');

    await stack.developer.api('POST', `/backend-services/${id}/submit`);
    await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, { note: 'ok' });
    const production = (await stack.waitForEnvironment(id, 'production', 'ready')).environments.production;
    const refused = await tokenWithAssertion(production.tokenUrl, clientId, keys.ES384);
    t.equal(refused.status, 400, 'ES384 refused in production');
    t.equal(refused.body.error, 'invalid_client');
    t.match(refused.body.error_description, /alg/);
    const accepted = await tokenWithAssertion(production.tokenUrl, clientId, keys.RS384);
    t.equal(accepted.status, 200, accepted.body.error ?? 'RS384 accepted in production');
    t.equal(accepted.body.token_type, 'Bearer');
    t.equal(await fhirStatus(`${production.fhirBaseUrl}/Patient/test-pt-1`, accepted.body.access_token as string), 200);
  },
);
