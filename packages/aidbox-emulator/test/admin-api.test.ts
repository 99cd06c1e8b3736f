import t from 'tap';
import { ADMIN, basic, call, startEmulator, uniqueId } from './emulator-fixture.ts';

const backendClient = (secret = 'first-secret') => ({
  resourceType: 'Client',
  active: true,
  secret,
  grant_types: ['client_credentials'],
  scope: ['system/Patient.rs'],
  auth: { client_credentials: { token_format: 'jwt', access_token_expiration: 300 } },
});

t.test('creates a client with PUT (201), replaces it with a second PUT (200) and reads it back', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  const created = await aidbox.admin('PUT', `/Client/${id}`, backendClient());
  t.equal(created.status, 201);
  t.equal(created.body.id, id);
  t.equal(created.body.resourceType, 'Client');
  t.ok(created.body.meta.versionId, 'meta.versionId is stamped');
  const replaced = await aidbox.admin('PUT', `/Client/${id}`, { ...backendClient(), id, scope: ['system/*.rs'] });
  t.equal(replaced.status, 200);
  t.not(replaced.body.meta.versionId, created.body.meta.versionId);
  const read = await aidbox.admin('GET', `/Client/${id}`);
  t.equal(read.status, 200);
  t.same(read.body.scope, ['system/*.rs']);
  t.same(aidbox.emulator.resource('Client', id)?.scope, ['system/*.rs']);
});

t.test('a PUT replaces the whole client: fields it leaves out are gone', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  await aidbox.putClient(id, { ...backendClient(), jwks_uri: 'https://keys.example.test/jwks.json' });
  await aidbox.putClient(id, { grant_types: ['client_credentials'] });
  const read = await aidbox.admin('GET', `/Client/${id}`);
  t.notOk('jwks_uri' in read.body);
  t.notOk('scope' in read.body);
  // The secret went too: a PUT without it drops it.
  const token = await aidbox.token({ grant_type: 'client_credentials', client_id: id, client_secret: 'first-secret' });
  t.equal(token.status, 400);
  t.equal(token.body.error, 'invalid_client');
});

t.test('never returns the client secret, yet the secret still authenticates the client', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  const created = await aidbox.admin('PUT', `/Client/${id}`, backendClient('s3cret-value'));
  t.notOk('secret' in created.body, 'the PUT answer has no secret');
  const read = await aidbox.admin('GET', `/Client/${id}`);
  t.notOk('secret' in read.body, 'GET has no secret');
  t.notOk(JSON.stringify(read.body).includes('s3cret-value'));
  t.notOk('secret' in (aidbox.emulator.resource('Client', id) ?? {}));
  const token = await aidbox.token({ grant_type: 'client_credentials', client_id: id, client_secret: 's3cret-value' });
  t.equal(token.status, 200);
});

t.test('refuses a body whose id differs from the URL with 422 and stores nothing', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  const answer = await aidbox.admin('PUT', `/Client/${id}`, { ...backendClient(), id: 'someone-else' });
  t.equal(answer.status, 422);
  t.equal(answer.body.resourceType, 'OperationOutcome');
  t.equal(answer.body.issue[0].code, 'invalid');
  t.equal(aidbox.emulator.resource('Client', id), undefined);
});

t.test('deletes a client with 200 and its last state, then answers 204 to a second delete', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  await aidbox.putClient(id, backendClient());
  const deleted = await aidbox.admin('DELETE', `/Client/${id}`);
  t.equal(deleted.status, 200);
  t.equal(deleted.body.id, id);
  t.notOk('secret' in deleted.body);
  const again = await aidbox.admin('DELETE', `/Client/${id}`);
  t.equal(again.status, 204);
  t.equal(again.body, undefined);
  t.equal((await aidbox.admin('DELETE', `/Client/${uniqueId('never')}`)).status, 204);
  t.equal(aidbox.emulator.resource('Client', id), undefined);
});

t.test(
  'answers a read of a client that never existed with a 404 OperationOutcome, of a deleted one with 410',
  async (t) => {
    const aidbox = await startEmulator(t);
    const missing = await aidbox.admin('GET', `/Client/${uniqueId('never')}`);
    t.equal(missing.status, 404);
    t.match(missing.body, {
      resourceType: 'OperationOutcome',
      id: 'not-found',
      text: { status: 'generated', div: String },
      issue: [{ severity: 'fatal', code: 'not-found', diagnostics: /not found/ }],
    });
    const id = uniqueId('svc');
    await aidbox.putClient(id, backendClient());
    await aidbox.admin('DELETE', `/Client/${id}`);
    const gone = await aidbox.admin('GET', `/Client/${id}`);
    t.equal(gone.status, 410);
    t.equal(gone.body.issue[0].code, 'deleted');
    t.equal((await aidbox.admin('PUT', `/Client/${id}`, backendClient())).status, 201, 'a PUT brings it back');
  },
);

t.test('refuses the admin API without credentials or with wrong ones (401 OperationOutcome)', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  for (const authorization of [
    undefined,
    basic(ADMIN.id, 'wrong-secret'),
    basic('someone-else', ADMIN.secret),
    `Bearer ${ADMIN.secret}`,
  ]) {
    const answer = await call(`${aidbox.url}/Client/${id}`, {
      method: 'PUT',
      body: backendClient(),
      headers: authorization ? { authorization } : {},
    });
    t.equal(answer.status, 401, `refused: ${authorization?.split(' ')[0] ?? 'no credentials'}`);
    t.equal(answer.body.resourceType, 'OperationOutcome');
    t.equal(answer.body.issue[0].code, 'security');
    // A bearer token is a way in too (a Client's access token, then its policies decide): this one is no token.
    const challenge = authorization?.startsWith('Bearer') ? /^Bearer .*error="invalid_token"/ : /^Basic/;
    t.match(answer.headers.get('www-authenticate'), challenge);
  }
  t.equal(aidbox.emulator.resource('Client', id), undefined, 'nothing was stored');
  t.equal((await call(`${aidbox.url}/Organization`)).status, 401);
  t.equal((await call(`${aidbox.url}/AccessPolicy/x`, { method: 'DELETE' })).status, 401);
});

t.test('patches single fields with merge-patch: null removes, objects merge, the secret stays', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  await aidbox.putClient(id, { ...backendClient('kept-secret'), jwks_uri: 'https://keys.example.test/jwks.json' });
  const patched = await aidbox.admin(
    'PATCH',
    `/Client/${id}`,
    {
      scope: ['system/Patient.rs', 'system/Coverage.rs'],
      jwks_uri: null,
      auth: { client_credentials: { access_token_expiration: 120 } },
    },
    { 'content-type': 'application/merge-patch+json' },
  );
  t.equal(patched.status, 200);
  t.same(patched.body.scope, ['system/Patient.rs', 'system/Coverage.rs']);
  t.notOk('jwks_uri' in patched.body);
  t.same(patched.body.auth, { client_credentials: { token_format: 'jwt', access_token_expiration: 120 } });
  t.equal(patched.body.active, true);
  const token = await aidbox.token({ grant_type: 'client_credentials', client_id: id, client_secret: 'kept-secret' });
  t.equal(token.status, 200);
  t.equal(token.body.expires_in, 120);

  const disabled = await aidbox.admin(
    'PATCH',
    `/Client/${id}`,
    { active: false },
    {
      'content-type': 'application/merge-patch+json',
    },
  );
  t.equal(disabled.body.active, false);
  t.equal(aidbox.emulator.resource('Client', id)?.active, false);
});

t.test('a patch may set a new secret, and one that makes the client invalid is refused with 422', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  await aidbox.putClient(id, backendClient('old-secret'));
  const mergePatch = { 'content-type': 'application/merge-patch+json' };
  t.equal((await aidbox.admin('PATCH', `/Client/${id}`, { secret: 'new-secret' }, mergePatch)).status, 200);
  const form = { grant_type: 'client_credentials', client_id: id };
  t.equal((await aidbox.token({ ...form, client_secret: 'old-secret' })).status, 400);
  t.equal((await aidbox.token({ ...form, client_secret: 'new-secret' })).status, 200);
  const refused = await aidbox.admin('PATCH', `/Client/${id}`, { grant_types: ['telepathy'] }, mergePatch);
  t.equal(refused.status, 422);
  t.same(aidbox.emulator.resource('Client', id)?.grant_types, ['client_credentials'], 'unchanged');
  t.equal((await aidbox.admin('PATCH', `/Client/${uniqueId('never')}`, { active: false }, mergePatch)).status, 404);
});

t.test('refuses invalid clients with 422 and one issue per problem', async (t) => {
  const aidbox = await startEmulator(t);
  const answer = await aidbox.admin('PUT', `/Client/${uniqueId('svc')}`, {
    grant_types: ['client_credentials', 'magic'],
    auth: { client_credentials: { token_format: 'opaque' } },
    scope: 'system/Patient.rs',
    jwks_uri: 'not a url',
    colour: 'blue',
  });
  t.equal(answer.status, 422);
  t.equal(answer.body.resourceType, 'OperationOutcome');
  const where = answer.body.issue.map((issue: { expression: string[] }) => issue.expression[0]).sort();
  t.same(where, [
    'Client.auth.client_credentials.token_format',
    'Client.colour',
    'Client.grant_types.1',
    'Client.jwks_uri',
    'Client.scope',
  ]);
  // The documented shape (docs/api/rest-api/crud/create.md): where in expression, what in diagnostics.
  t.equal(answer.body.text.div, 'Invalid resource');
  for (const issue of answer.body.issue) {
    t.match(issue, { severity: 'fatal', code: 'invalid', expression: [String], diagnostics: String });
    t.notMatch(issue.diagnostics, issue.expression[0], 'diagnostics says what, expression says where');
  }
  const wrongType = await aidbox.admin('PUT', `/Client/${uniqueId('svc')}`, { resourceType: 'Patient' });
  t.equal(wrongType.status, 422);
});

t.test('stores access policies linked in Aidbox or FHIR reference form and refuses invalid ones', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('policy');
  const created = await aidbox.admin('PUT', `/AccessPolicy/${id}`, {
    engine: 'matcho',
    link: [{ resourceType: 'Client', id: 'svc-a' }, { reference: 'Client/svc-b' }],
    matcho: { client: { id: { $enum: ['svc-a', 'svc-b'] } } },
  });
  t.equal(created.status, 201);
  t.equal((await aidbox.admin('PUT', `/AccessPolicy/${id}`, { engine: 'allow' })).status, 200);
  t.equal(aidbox.emulator.resource('AccessPolicy', id)?.engine, 'allow');
  for (const [why, body] of [
    ['an engine the emulator does not run', { engine: 'sql', sql: { query: 'select true' } }],
    ['matcho without a pattern', { engine: 'matcho' }],
    ['a matcho pattern that is not an object', { engine: 'matcho', matcho: ['get'] }],
    ['a link to something else', { engine: 'allow', link: [{ resourceType: 'Patient', id: 'x' }] }],
    ['a malformed link reference', { engine: 'allow', link: [{ reference: 'Client' }] }],
    ['a link that is not a list', { engine: 'allow', link: { resourceType: 'Client', id: 'x' } }],
  ] as const) {
    const answer = await aidbox.admin('PUT', `/AccessPolicy/${uniqueId('policy')}`, body);
    t.equal(answer.status, 422, why);
    t.equal(answer.body.issue[0].code, 'invalid', why);
  }
  t.equal((await aidbox.admin('DELETE', `/AccessPolicy/${id}`)).status, 200);
  t.equal((await aidbox.admin('DELETE', `/AccessPolicy/${id}`)).status, 204);
});

t.test('refuses a write whose If-Match names another version', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  await aidbox.putClient(id, backendClient());
  const version = aidbox.emulator.resource('Client', id)?.meta as { versionId: string };
  const stale = await aidbox.admin('PUT', `/Client/${id}`, backendClient(), { 'if-match': 'W/"0"' });
  t.equal(stale.status, 409);
  t.equal(stale.body.issue[0].code, 'conflict');
  const current = await aidbox.admin('PUT', `/Client/${id}`, backendClient(), {
    'if-match': `W/"${version.versionId}"`,
  });
  t.equal(current.status, 200);
  const absent = await aidbox.admin('PUT', `/Client/${uniqueId('svc')}`, backendClient(), { 'if-match': '*' });
  t.equal(absent.status, 412);
});

t.test('lists and reads organizations for the admin client', async (t) => {
  const aidbox = await startEmulator(t);
  const all = await aidbox.admin('GET', '/Organization');
  t.equal(all.status, 200);
  t.match(all.body, { resourceType: 'Bundle', type: 'searchset' });
  t.ok(all.body.total >= 3);
  const ids = all.body.entry.map((entry: { resource: { id: string } }) => entry.resource.id);
  t.ok(ids.includes('org-acme-health') && ids.includes('org-beacon-mutual'));
  const children = await aidbox.admin('GET', '/Organization?partof=org-acme-health');
  t.same(
    children.body.entry.map((entry: { resource: { id: string } }) => entry.resource.id),
    ['org-acme-health-east'],
  );
  const byName = await aidbox.admin('GET', '/Organization?name=beacon');
  t.same(
    byName.body.entry.map((entry: { resource: { id: string } }) => entry.resource.id),
    ['org-beacon-mutual'],
  );
  const one = await aidbox.admin('GET', '/Organization/org-acme-health-east');
  t.equal(one.status, 200);
  t.same(one.body.partOf, { reference: 'Organization/org-acme-health' });
  t.equal((await aidbox.admin('GET', '/Organization/nope')).status, 404);
});

t.test('starts empty when asked not to seed', async (t) => {
  const aidbox = await startEmulator(t, { seed: false });
  const all = await aidbox.admin('GET', '/Organization');
  t.equal(all.body.total, 0);
  t.same(all.body.entry, []);
});
