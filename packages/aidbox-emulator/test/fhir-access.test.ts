import t from 'tap';
import { startEmulator, uniqueId } from './emulator-fixture.ts';

/** A client Aidbox puts `atv: 2` and the scopes into the tokens of, and then checks the scopes for. */
const SMART_APP = { type: 'smart-app' };

t.test('reads a patient when both the token scope and a linked policy allow it', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs'], SMART_APP);
  const answer = await aidbox.fhir('GET', '/Patient/test-pt-1', await client.accessToken());
  t.equal(answer.status, 200);
  t.match(answer.body, { resourceType: 'Patient', id: 'test-pt-1', meta: { versionId: String } });
  t.notOk('createdAt' in answer.body.meta, 'FHIR format has no createdAt');
});

t.test('forbids (403) a type a smart-app token scopes do not name, even when a policy would allow it', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs'], SMART_APP);
  const answer = await aidbox.fhir('GET', '/Coverage/cov-test-pt-1', await client.accessToken());
  t.equal(answer.status, 403);
  t.match(answer.body, { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'forbidden' }] });
  t.match(answer.body.issue[0].diagnostics, /scope/);
});

t.test('forbids (403) a request no AccessPolicy allows, even when the scope does', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs'], { ...SMART_APP, policy: false });
  const answer = await aidbox.fhir('GET', '/Patient/test-pt-1', await client.accessToken());
  t.equal(answer.status, 403);
  t.match(answer.body.issue[0].diagnostics, /AccessPolicy/);
});

t.test('ignores a policy linked to another client', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs'], { policy: false });
  await aidbox.putPolicy(uniqueId('policy'), { engine: 'allow', link: [{ reference: 'Client/someone-else' }] });
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', await client.accessToken())).status, 403);
  await aidbox.putPolicy(uniqueId('policy'), { engine: 'allow', link: [{ reference: `Client/${client.id}` }] });
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', await client.accessToken())).status, 200);
});

t.test('applies a policy without links to every client', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs'], { policy: false });
  await aidbox.putPolicy(uniqueId('global'), {
    engine: 'matcho',
    matcho: { 'request-method': 'get', params: { 'resource/type': 'Patient' } },
  });
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-2', await client.accessToken())).status, 200);
});

t.test('answers 401 without a token, with a forged one, and once the client is deactivated', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/Patient.rs']);
  const none = await aidbox.fhir('GET', '/Patient/test-pt-1', undefined);
  t.equal(none.status, 401);
  t.match(none.body, { resourceType: 'OperationOutcome', issue: [{ code: 'security' }] });
  t.match(none.headers.get('www-authenticate'), /^Bearer/);
  const token = await client.accessToken();
  const [header, payload] = token.split('.');
  const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', forged)).status, 401);
  const other = await startEmulator(t);
  const stranger = await other.secretClient(['system/Patient.rs']);
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', await stranger.accessToken())).status, 401, 'foreign issuer');
  await aidbox.admin(
    'PATCH',
    `/Client/${client.id}`,
    { active: false },
    { 'content-type': 'application/merge-patch+json' },
  );
  const inactive = await aidbox.fhir('GET', '/Patient/test-pt-1', token);
  t.equal(inactive.status, 401);
  t.match(inactive.headers.get('www-authenticate'), /invalid_token/);
});

t.test('v1 read allows read and search but no writes; v1 write allows writes but no reads', async (t) => {
  const aidbox = await startEmulator(t);
  const reader = await (await aidbox.secretClient(['system/Observation.read'], SMART_APP)).accessToken();
  t.equal((await aidbox.fhir('GET', '/Observation/obs-test-pt-1-a1c', reader)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Observation?patient=test-pt-1', reader)).status, 200);
  const observation = { resourceType: 'Observation', status: 'final', code: { text: 'note' } };
  t.equal((await aidbox.fhir('POST', '/Observation', reader, observation)).status, 403);
  const writer = await (await aidbox.secretClient(['system/Observation.write'], SMART_APP)).accessToken();
  const created = await aidbox.fhir('POST', '/Observation', writer, observation);
  t.equal(created.status, 201);
  t.equal((await aidbox.fhir('GET', `/Observation/${created.body.id}`, writer)).status, 403);
  t.equal((await aidbox.fhir('DELETE', `/Observation/${created.body.id}`, writer)).status, 200);
});

t.test('v2 scopes of a smart-app token grant exactly their letters', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await aidbox.secretClient(['system/Coverage.s', 'system/Patient.r'], SMART_APP)).accessToken();
  t.equal((await aidbox.fhir('GET', '/Coverage?beneficiary=Patient/test-pt-1', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Coverage/cov-test-pt-1', token)).status, 403, 'search is not read');
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Patient', token)).status, 403, 'read is not search');
});

t.test(
  'a smart-app client with system/*.rs gets the documented expansion: Patient 200, Coverage and ExplanationOfBenefit 403',
  async (t) => {
    const aidbox = await startEmulator(t);
    const client = await aidbox.secretClient(['system/*.rs'], SMART_APP);
    const token = await client.accessToken();
    t.equal((await aidbox.fhir('GET', '/Patient/test-pt-3', token)).status, 200);
    t.equal((await aidbox.fhir('GET', '/Patient?_count=1', token)).status, 200);
    for (const path of ['/Coverage/cov-test-pt-3', '/Coverage', '/ExplanationOfBenefit/eob-test-pt-3-1']) {
      const answer = await aidbox.fhir('GET', path, token);
      t.equal(answer.status, 403, path);
      t.match(answer.body.issue[0].diagnostics, /scope/, `${path}: refused by the scope check, not the policy`);
    }
    const asked = await client.accessToken('system/*.rs');
    t.equal((await aidbox.fhir('GET', '/ExplanationOfBenefit?_count=1', asked)).status, 403, 'asked for by wildcard');
  },
);

t.test('a smart-app client reaches Coverage under its wildcard when it asks for Coverage by name', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/*.rs'], SMART_APP);
  const token = await client.accessToken('system/Coverage.rs');
  t.equal((await aidbox.fhir('GET', '/Coverage/cov-test-pt-3', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-3', token)).status, 403, 'only what the token was granted');
});

t.test('the wildcard expansion list of smart-app tokens is an emulator option', async (t) => {
  const aidbox = await startEmulator(t, { smartWildcardTypes: ['Coverage', 'ExplanationOfBenefit'] });
  const token = await (await aidbox.secretClient(['system/*.rs'], SMART_APP)).accessToken();
  t.equal((await aidbox.fhir('GET', '/Coverage/cov-test-pt-3', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/ExplanationOfBenefit/eob-test-pt-3-1', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-3', token)).status, 403);
});

t.test('a client without a type is decided by its policies alone: its scopes restrict nothing', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await aidbox.secretClient(['system/Patient.r'])).accessToken();
  // The policy of `secretClient` allows every FHIR request of the client.
  t.equal((await aidbox.fhir('GET', '/Coverage/cov-test-pt-3', token)).status, 200, 'a type the scopes do not name');
  t.equal((await aidbox.fhir('GET', '/ExplanationOfBenefit?_count=1', token)).status, 200, 'a search');
  t.equal((await aidbox.fhir('DELETE', '/Observation/obs-test-pt-3-a1c', token)).status, 200, 'a delete');
  const none = await (await aidbox.secretClient(['system/*.cruds'], { policy: false })).accessToken();
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-3', none)).status, 403, 'and without a policy, nothing');
});

t.test('create, update, patch and delete each need their own permission in a smart-app token', async (t) => {
  const aidbox = await startEmulator(t);
  const patient = { resourceType: 'Patient', name: [{ family: 'Example' }] };
  const creator = await (await aidbox.secretClient(['system/Patient.c'], SMART_APP)).accessToken();
  const created = await aidbox.fhir('POST', '/Patient', creator, patient);
  t.equal(created.status, 201);
  t.match(created.headers.get('location'), new RegExp(`/fhir/Patient/${created.body.id}/_history/`));
  const id = created.body.id as string;
  t.equal((await aidbox.fhir('PUT', `/Patient/${id}`, creator, patient)).status, 403, 'c is not u');
  t.equal((await aidbox.fhir('DELETE', `/Patient/${id}`, creator)).status, 403, 'c is not d');

  const updater = await (await aidbox.secretClient(['system/Patient.u'], SMART_APP)).accessToken();
  const updated = await aidbox.fhir('PUT', `/Patient/${id}`, updater, { ...patient, gender: 'other' });
  t.equal(updated.status, 200);
  t.equal(updated.body.gender, 'other');
  const patched = await aidbox.fhir('PATCH', `/Patient/${id}`, updater, { gender: null, birthDate: '2000-01-01' });
  t.equal(patched.status, 200);
  t.notOk('gender' in patched.body);
  t.equal((await aidbox.fhir('POST', '/Patient', updater, patient)).status, 403, 'u is not c');
  t.equal((await aidbox.fhir('DELETE', `/Patient/${id}`, updater)).status, 403, 'u is not d');

  const deleter = await (await aidbox.secretClient(['system/Patient.d'], SMART_APP)).accessToken();
  t.equal((await aidbox.fhir('DELETE', `/Patient/${id}`, deleter)).status, 200);
  t.equal((await aidbox.fhir('DELETE', `/Patient/${id}`, deleter)).status, 204);
  t.equal(aidbox.emulator.resource('Patient', id), undefined);
});

t.test('a policy can limit a client to some operations and types with $enum and $one-of', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/*.cruds'], { policy: false });
  await aidbox.putPolicy(`${client.id}-policy`, {
    engine: 'matcho',
    link: [{ resourceType: 'Client', id: client.id }],
    matcho: {
      '$one-of': [
        { operation: { id: { $enum: ['FhirRead'] } }, params: { 'resource/type': 'Patient' } },
        { operation: { id: 'FhirSearch' }, params: { 'resource/type': 'Coverage', beneficiary: 'present?' } },
      ],
    },
  });
  const token = await client.accessToken();
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-4', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Coverage?beneficiary=test-pt-4', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Coverage', token)).status, 403, 'beneficiary must be present');
  t.equal((await aidbox.fhir('GET', '/Observation/obs-test-pt-4-a1c', token)).status, 403);
  t.equal((await aidbox.fhir('DELETE', '/Patient/test-pt-4', token)).status, 403);
});

t.test('a policy with an operator the emulator does not know never allows anything', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/*.rs'], {
    policy: { client: { id: { '$starts-with': 'svc' } } },
  });
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', await client.accessToken())).status, 403);
});

t.test('searches by reference parameters, _id and _count', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await aidbox.secretClient(['system/*.rs'])).accessToken();
  const ids = (answer: { body: { entry: { resource: { id: string } }[] } }) =>
    answer.body.entry.map((entry) => entry.resource.id);
  t.same(ids(await aidbox.fhir('GET', '/Observation?subject=Patient/test-pt-2', token)), ['obs-test-pt-2-a1c']);
  t.same(ids(await aidbox.fhir('GET', '/ExplanationOfBenefit?patient=test-pt-5', token)), ['eob-test-pt-5-1']);
  t.same(ids(await aidbox.fhir('GET', '/Coverage?patient=test-pt-4,test-pt-5', token)), [
    'cov-test-pt-4',
    'cov-test-pt-5',
  ]);
  t.same(ids(await aidbox.fhir('GET', '/Patient?organization=org-beacon-mutual', token)), ['test-pt-4', 'test-pt-5']);
  t.same(ids(await aidbox.fhir('GET', '/Patient?_id=test-pt-1,test-pt-3&unknown-param=x', token)), [
    'test-pt-1',
    'test-pt-3',
  ]);
  const page = await aidbox.fhir('GET', '/Patient?_count=2', token);
  t.equal(page.body.total, 5);
  t.equal(page.body.entry.length, 2);
  t.ok(page.body.link.some((link: { relation: string }) => link.relation === 'next'));
  t.equal((await aidbox.fhir('GET', '/Patient?_count=many', token)).status, 400);
});

t.test('answers 404 for an unknown type or id and 410 for a deleted resource', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await aidbox.secretClient(['system/*.cruds'])).accessToken();
  t.equal((await aidbox.fhir('GET', '/Spaceship/1', token)).status, 404);
  t.equal((await aidbox.fhir('GET', '/Client/anything', token)).status, 404, 'Aidbox resources are not FHIR');
  t.equal((await aidbox.fhir('GET', '/Patient/nobody', token)).status, 404);
  t.equal((await aidbox.fhir('DELETE', '/Patient/test-pt-2', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-2', token)).status, 410);
});

t.test('refuses a FHIR write whose resourceType or id disagrees with the URL (422)', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await aidbox.secretClient(['system/*.cruds'])).accessToken();
  t.equal((await aidbox.fhir('PUT', '/Patient/test-pt-1', token, { resourceType: 'Coverage' })).status, 422);
  t.equal((await aidbox.fhir('PUT', '/Patient/test-pt-1', token, { resourceType: 'Patient', id: 'x' })).status, 422);
  t.equal((await aidbox.fhir('POST', '/Patient', token, { resourceType: 'Observation' })).status, 422);
  t.equal((await aidbox.fhir('PUT', `/Patient/${uniqueId('pt')}`, token, { resourceType: 'Patient' })).status, 201);
});
