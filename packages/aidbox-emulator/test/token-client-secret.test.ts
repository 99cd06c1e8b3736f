import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import t from 'tap';
import { basic, call, JWT_BEARER, startEmulator, uniqueId } from './emulator-fixture.ts';

const GRANT = { grant_type: 'client_credentials' };

t.test('issues a token for a secret sent with HTTP Basic, and the token carries the SMART claims', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs', 'system/Coverage.rs']);
  const answer = await aidbox.token(GRANT, { authorization: basic(client.id, client.secret) });
  t.equal(answer.status, 200);
  t.equal(answer.headers.get('cache-control'), 'no-store');
  t.match(answer.body, { token_type: 'Bearer', expires_in: 300, scope: 'system/Patient.rs system/Coverage.rs' });
  const claims = decodeJwt(answer.body.access_token);
  t.match(claims, {
    iss: aidbox.url,
    sub: client.id,
    client_id: client.id,
    aud: aidbox.url,
    jti: String,
  });
  // A client without `type: smart-app` gets no scope claims: its policies alone decide (token-scope.test.ts).
  t.notOk('atv' in claims || 'scope' in claims);
  t.equal((claims.exp ?? 0) - (claims.iat ?? 0), 300);
  // The token is signed with the key the emulator publishes.
  const jwks = await call(`${aidbox.url}/.well-known/jwks.json`);
  const verified = await jwtVerify(answer.body.access_token, createLocalJWKSet(jwks.body), { issuer: aidbox.url });
  t.equal(verified.payload.sub, client.id);
});

t.test('issues a token for a secret sent in a form body', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs']);
  const answer = await aidbox.token({ ...GRANT, client_id: client.id, client_secret: client.secret });
  t.equal(answer.status, 200);
  t.equal(answer.body.scope, 'system/Patient.rs');
});

t.test('issues a token for a secret sent in a JSON body', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs']);
  const answer = await call(`${aidbox.url}/auth/token`, {
    method: 'POST',
    body: { ...GRANT, client_id: client.id, client_secret: client.secret },
  });
  t.equal(answer.status, 200);
  t.equal(decodeJwt(answer.body.access_token).client_id, client.id);
});

t.test('honours the client access_token_expiration', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  await aidbox.putClient(id, {
    secret: 'pw',
    grant_types: ['client_credentials'],
    scope: ['system/Patient.rs'],
    auth: { client_credentials: { token_format: 'jwt', access_token_expiration: 60 } },
  });
  const answer = await aidbox.token({ ...GRANT, client_id: id, client_secret: 'pw' });
  t.equal(answer.body.expires_in, 60);
  const claims = decodeJwt(answer.body.access_token);
  t.equal((claims.exp ?? 0) - (claims.iat ?? 0), 60);
});

t.test(
  'refuses a wrong secret with 400 invalid_client, as Payerbox documents, naming Basic when Basic was tried',
  async (t) => {
    const aidbox = await startEmulator(t);
    const client = await aidbox.secretClient(['system/Patient.rs']);
    const byBasic = await aidbox.token(GRANT, { authorization: basic(client.id, 'wrong') });
    t.equal(byBasic.status, 400);
    t.same(Object.keys(byBasic.body).sort(), ['error', 'error_description']);
    t.equal(byBasic.body.error, 'invalid_client');
    t.match(byBasic.headers.get('www-authenticate'), /^Basic/);
    const byForm = await aidbox.token({ ...GRANT, client_id: client.id, client_secret: 'wrong' });
    t.equal(byForm.status, 400);
    t.equal(byForm.body.error, 'invalid_client');
    t.equal(byForm.headers.get('www-authenticate'), null);
  },
);

t.test('gives no token to an inactive client or an unknown one', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs']);
  await aidbox.admin(
    'PATCH',
    `/Client/${client.id}`,
    { active: false },
    { 'content-type': 'application/merge-patch+json' },
  );
  const inactive = await aidbox.token({ ...GRANT, client_id: client.id, client_secret: client.secret });
  t.equal(inactive.status, 400);
  t.equal(inactive.body.error, 'invalid_client');
  const unknown = await aidbox.token({ ...GRANT, client_id: uniqueId('nobody'), client_secret: 'x' });
  t.equal(unknown.status, 400);
  t.equal(unknown.body.error, 'invalid_client');
  const anonymous = await aidbox.token({ ...GRANT, client_id: client.id });
  t.equal(anonymous.status, 400);
  t.equal(anonymous.body.error, 'invalid_client');
});

t.test('answers malformed token requests with RFC 6749 errors', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs']);
  const credentials = { client_id: client.id, client_secret: client.secret };
  const missingGrant = await aidbox.token(credentials);
  t.match(missingGrant, { status: 400, body: { error: 'invalid_request' } });
  const password = await aidbox.token({ ...credentials, grant_type: 'password', username: 'u', password: 'p' });
  t.match(password, { status: 400, body: { error: 'unsupported_grant_type' } });
  const twoMethods = await aidbox.token(
    { ...GRANT, ...credentials },
    { authorization: basic(client.id, client.secret) },
  );
  t.match(twoMethods, { status: 400, body: { error: 'invalid_request' } });
  const repeated = await call(`${aidbox.url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&grant_type=client_credentials&client_id=${client.id}&client_secret=${client.secret}`,
  });
  t.match(repeated, { status: 400, body: { error: 'invalid_request' } });
  const brokenJson = await call(`${aidbox.url}/auth/token`, { method: 'POST', body: '{"grant_type":' });
  t.match(brokenJson, { status: 400, body: { error: 'invalid_request' } });
});

t.test('refuses the grant to a client that is not allowed client_credentials (unauthorized_client)', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  await aidbox.putClient(id, { secret: 'pw', grant_types: ['basic'], scope: ['system/Patient.rs'] });
  const answer = await aidbox.token({ ...GRANT, client_id: id, client_secret: 'pw' });
  t.equal(answer.status, 400);
  t.equal(answer.body.error, 'unauthorized_client');
});

t.test('answers every token error with status 400 and an RFC 6749 body, as Payerbox documents', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs']);
  const cases: [string, Record<string, string>, Record<string, string>?][] = [
    ['invalid_request', { client_id: client.id, client_secret: client.secret }],
    ['invalid_client', { ...GRANT, client_id: client.id, client_secret: 'wrong' }],
    ['invalid_client', GRANT, { authorization: basic(uniqueId('nobody'), 'x') }],
    ['invalid_client', { ...GRANT, client_assertion_type: JWT_BEARER, client_assertion: 'not.a.jwt' }],
    ['invalid_scope', { ...GRANT, client_id: client.id, client_secret: client.secret, scope: 'system/Claim.rs' }],
    ['unsupported_grant_type', { grant_type: 'password', client_id: client.id, client_secret: client.secret }],
  ];
  for (const [error, form, headers] of cases) {
    const answer = await aidbox.token(form, headers);
    t.equal(answer.status, 400, error);
    t.same(Object.keys(answer.body).sort(), ['error', 'error_description'], error);
    t.equal(answer.body.error, error);
    t.equal(answer.headers.get('cache-control'), 'no-store', error);
  }
});
