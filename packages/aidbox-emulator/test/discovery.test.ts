import t from 'tap';
import { call, startEmulator } from './emulator-fixture.ts';

t.test('publishes the SMART configuration at the server root only, where Aidbox documents it', async (t) => {
  const aidbox = await startEmulator(t);
  // Under /fhir the path is just another (unknown) FHIR route: no SMART configuration there.
  t.not((await call(`${aidbox.url}/fhir/.well-known/smart-configuration`)).status, 200, 'not under /fhir');
  for (const path of ['/.well-known/smart-configuration']) {
    const answer = await call(`${aidbox.url}${path}`);
    t.equal(answer.status, 200, path);
    t.match(answer.body, {
      issuer: aidbox.url,
      jwks_uri: `${aidbox.url}/.well-known/jwks.json`,
      token_endpoint: `${aidbox.url}/auth/token`,
      scopes_supported: Array,
    });
    t.ok(answer.body.grant_types_supported.includes('client_credentials'));
    t.same(answer.body.token_endpoint_auth_methods_supported, [
      'private_key_jwt',
      'client_secret_basic',
      'client_secret_post',
    ]);
    t.same(answer.body.token_endpoint_auth_signing_alg_values_supported, ['RS384', 'ES384']);
    for (const capability of ['client-confidential-asymmetric', 'permission-v1', 'permission-v2']) {
      t.ok(answer.body.capabilities.includes(capability), capability);
    }
  }
});

t.test('uses the configured public base URL in discovery and tokens', async (t) => {
  const baseUrl = 'https://sandbox.payerbox.example.test';
  const aidbox = await startEmulator(t, { baseUrl: `${baseUrl}/` });
  const configuration = await call(`${aidbox.url}/.well-known/smart-configuration`);
  t.equal(configuration.body.token_endpoint, `${baseUrl}/auth/token`);
  const client = await aidbox.secretClient(['system/Patient.rs']);
  const token = await client.accessToken();
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  t.equal(claims.iss, baseUrl);
  t.equal(claims.aud, baseUrl);
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', token)).status, 200);
});

t.test('serves a public CapabilityStatement at /fhir/metadata', async (t) => {
  const aidbox = await startEmulator(t);
  const response = await fetch(`${aidbox.url}/fhir/metadata`);
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /application\/fhir\+json/);
  const statement = (await response.json()) as any;
  t.match(statement, { resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1' });
  const rest = statement.rest[0];
  t.equal(rest.mode, 'server');
  t.match(JSON.stringify(rest.security), /SMART-on-FHIR/);
  t.match(JSON.stringify(rest.security), new RegExp(`${aidbox.url}/auth/token`));
  const patient = rest.resource.find((resource: { type: string }) => resource.type === 'Patient');
  t.ok(patient.interaction.some((interaction: { code: string }) => interaction.code === 'read'));
});

t.test('answers GET /health with status pass and its name', async (t) => {
  const aidbox = await startEmulator(t, { name: 'sandbox' });
  const answer = await call(`${aidbox.url}/health`);
  t.equal(answer.status, 200);
  t.match(answer.body, { status: 'pass', name: 'sandbox' });
});

t.test('publishes the public key its tokens are signed with, and no private part', async (t) => {
  const aidbox = await startEmulator(t);
  const answer = await call(`${aidbox.url}/.well-known/jwks.json`);
  t.equal(answer.status, 200);
  t.equal(answer.body.keys.length, 1);
  t.match(answer.body.keys[0], { kty: 'EC', kid: String, alg: 'ES256', use: 'sig' });
  t.notOk('d' in answer.body.keys[0]);
});

t.test('answers unknown routes with a 404 OperationOutcome', async (t) => {
  const aidbox = await startEmulator(t);
  const answer = await call(`${aidbox.url}/no/such/route`);
  t.equal(answer.status, 404);
  t.match(answer.body, { resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
});
