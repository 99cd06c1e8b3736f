// Runs the service page's token examples exactly as the page shows them (written to a file, run with bash or node)
// against the sandbox emulator, with services provisioned as the portal does: each must get its token and a 200 from
// the FHIR API, whatever the first scope allows.
import { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackendService } from '@payerbox/api-client';
import { type JwksServer, startJwksServer } from '@payerbox/browser-testing';
import { type LocalStack, startLocalStack } from '@payerbox/dev-stack/local-stack';
import t, { type Test } from 'tap';
import { fhirExampleRequest, SANDBOX_SAMPLE_IDS } from '../src/features/backend-services/examples/fhir-request.ts';
import { clientSecretExample, privateKeyJwtExample } from '../src/features/backend-services/examples/token-requests.ts';
import { CURL, run, scriptFolder } from './helpers/example-scripts.ts';

let stack: LocalStack;
let jwks: JwksServer;
t.before(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  stack = await startLocalStack(url);
  await stack.startWorker();
  jwks = await startJwksServer();
});
t.teardown(async () => {
  await jwks?.close();
  await stack?.close();
});

/** The three shapes of the issue: a read-only first scope, a search, and a wildcard. */
const SCOPE_SETS = [['system/Observation.r'], ['system/Patient.rs'], ['system/*.rs']];

/** Registers a service with `scopes`, waits for its sandbox client, and answers the service as the page sees it. */
async function readyService(
  t: Test,
  scopes: string[],
  auth: { authMethod: 'client_secret' } | { authMethod: 'jwks_uri'; jwksUri: string },
): Promise<{ service: BackendService; clientSecret: string }> {
  const created = await stack.developer.api('POST', '/backend-services', {
    name: `Try ${scopes.join(' ')}`,
    ...auth,
    scopeVersion: 'v2',
    scopes,
  });
  t.equal(created.status, 201, created.body?.code ?? 'created');
  await stack.waitForEnvironment(created.body.id, 'sandbox', 'ready');
  const service = (await stack.developer.api('GET', `/backend-services/${created.body.id}`)).body as BackendService;
  return { service, clientSecret: created.body.clientSecret };
}

function sandboxOf(service: BackendService) {
  const sandbox = service.environments.sandbox;
  if (!sandbox) throw new Error('no sandbox environment');
  return sandbox;
}

t.test('picks a request the scopes allow: a search only with search, else a read of a known id', async (t) => {
  t.match(fhirExampleRequest(['system/Observation.r'], 'v2', 'sandbox'), {
    kind: 'read',
    path: 'Observation/obs-test-pt-1-a1c',
    sampleId: true,
  });
  t.match(
    fhirExampleRequest(['system/Observation.r'], 'v2', 'production'),
    { kind: 'read', path: 'Observation/<id of an Observation>', sampleId: false },
    'production has no sample data: the id is a placeholder the page explains',
  );
  t.match(fhirExampleRequest(['system/Observation.r', 'system/Patient.rs'], 'v2', 'production'), {
    kind: 'search',
    path: 'Patient?_count=1',
  });
  t.match(fhirExampleRequest(['system/*.rs'], 'v2', 'sandbox'), { kind: 'search', path: 'Patient?_count=1' });
  t.match(fhirExampleRequest(['system/*.r'], 'v2', 'sandbox'), { kind: 'read', path: 'Patient/test-pt-1' });
  t.match(fhirExampleRequest(['system/*.s', 'system/Claim.r'], 'v2', 'sandbox'), {
    kind: 'search',
    path: 'Claim?_count=1',
  });
  t.match(fhirExampleRequest(['system/Observation.read'], 'v1', 'sandbox'), { kind: 'search' }, 'v1 read searches');
  t.match(fhirExampleRequest(['system/Patient.cud'], 'v2', 'sandbox'), { kind: 'none' });
});

t.test("every sample id the examples read is in the sandbox emulator's seed", async (t) => {
  for (const [type, id] of Object.entries(SANDBOX_SAMPLE_IDS)) {
    t.ok(stack.emulators.sandbox.resource(type, id), `${type}/${id}`);
  }
});

t.test('the curl example of a client-secret service gets a 200 from the FHIR API for each scope shape', async (t) => {
  if (!existsSync(CURL)) {
    t.comment(`${CURL} is missing: the curl example is not run`);
    return;
  }
  for (const scopes of SCOPE_SETS) {
    const { service, clientSecret } = await readyService(t, scopes, { authMethod: 'client_secret' });
    const folder = await scriptFolder(t, 'token.sh', clientSecretExample(service, sandboxOf(service), 'sandbox'));
    const result = await run('bash', ['token.sh'], folder, { CLIENT_SECRET: clientSecret });
    t.equal(result.code, 0, `${scopes}: bash token.sh exits 0 (${result.stderr.trim().slice(-400)})`);
    // --fail-with-body: exit 0 means the FHIR API answered 2xx; the body says which request it was.
    const expected = scopes[0] === 'system/Observation.r' ? 'Observation' : 'Bundle';
    t.match(
      JSON.parse(result.stdout),
      { resourceType: expected },
      `${scopes}: the answer is ${expected === 'Bundle' ? 'a search Bundle' : 'the Observation read'}`,
    );
  }
});

t.test('the Node and jose example of a private_key_jwt service gets a 200 for each scope shape', async (t) => {
  const privateJwk = { ...KeyObject.from(jwks.privateKey).export({ format: 'jwk' }), kid: jwks.kid };
  for (const scopes of SCOPE_SETS) {
    const { service } = await readyService(t, scopes, { authMethod: 'jwks_uri', jwksUri: jwks.url });
    const script = privateKeyJwtExample(service, sandboxOf(service), 'sandbox', ['RS384', 'ES384']);
    const folder = await scriptFolder(t, 'token.mjs', script);
    const result = await run(process.execPath, ['token.mjs'], folder, { PRIVATE_JWK: JSON.stringify(privateJwk) });
    t.equal(result.code, 0, `${scopes}: node token.mjs exits 0 (${result.stderr.trim().slice(-400)})`);
    t.match(result.stdout, /^200 \{/, `${scopes}: the FHIR API answered 200`);
  }
});

t.test("a wrong secret stops the curl example with the token endpoint's error, before any FHIR call", async (t) => {
  if (!existsSync(CURL)) {
    t.comment(`${CURL} is missing: the curl example is not run`);
    return;
  }
  // The example's FHIR base is a recorder on loopback: any request reaching it is a FHIR call the script made.
  const fhirCalls: string[] = [];
  const recorder = createServer((request, response) => {
    fhirCalls.push(`${request.method} ${request.url}`);
    response.end('{}');
  });
  await new Promise<void>((listening) => recorder.listen(0, '127.0.0.1', listening));
  t.teardown(() => new Promise((closed) => recorder.close(closed)));
  const { port } = recorder.address() as AddressInfo;

  const { service } = await readyService(t, ['system/Patient.rs'], { authMethod: 'client_secret' });
  const environment = { ...sandboxOf(service), fhirBaseUrl: `http://127.0.0.1:${port}/fhir` };
  const folder = await scriptFolder(t, 'token.sh', clientSecretExample(service, environment, 'sandbox'));
  const result = await run('bash', ['token.sh'], folder, { CLIENT_SECRET: 'not-the-secret' });
  t.not(result.code, 0, 'the script exits non-zero');
  t.match(
    result.stderr,
    /The token request failed: \{.*"error":"invalid_client"/,
    "it prints the token endpoint's error",
  );
  t.same(fhirCalls, [], 'and calls no FHIR API');
  t.equal(result.stdout, '', 'nothing else is printed');
});
