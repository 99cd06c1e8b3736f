// The root-base interactions beyond CRUD and search (vread, history, search by POST, conditional update, Bundles)
// and the operation ids policies see for them.
import t from 'tap';
import { call, type Harness, startEmulator, uniqueId } from './emulator-fixture.ts';

/** A token of a new client whose only policy is `matcho` (or allows everything when none is given). */
async function tokenWith(aidbox: Harness, matcho?: Record<string, unknown>, scope = ['system/*.cruds']) {
  const client = await aidbox.secretClient(scope, matcho === undefined ? {} : { policy: matcho });
  return client.accessToken();
}

/** A patient created, updated once and (when `deleted`) deleted: answers its id and its three version ids. */
async function patientWithHistory(aidbox: Harness, token: string, deleted = false) {
  const created = await aidbox.fhir('POST', '/Patient', token, { resourceType: 'Patient', gender: 'female' });
  const id = created.body.id as string;
  const updated = await aidbox.fhir('PUT', `/Patient/${id}`, token, { resourceType: 'Patient', gender: 'male' });
  if (deleted) await aidbox.fhir('DELETE', `/Patient/${id}`, token);
  return { id, first: created.body.meta.versionId as string, second: updated.body.meta.versionId as string };
}

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

t.test('reads an earlier version (vread), 404 for a version never stored, 410 for a deletion', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await tokenWith(aidbox);
  const { id, first, second } = await patientWithHistory(aidbox, token);
  const old = await aidbox.fhir('GET', `/Patient/${id}/_history/${first}`, token);
  t.equal(old.status, 200);
  t.match(old.body, { resourceType: 'Patient', id, gender: 'female', meta: { versionId: first } });
  t.equal(old.headers.get('etag'), `W/"${first}"`);
  t.equal((await aidbox.fhir('GET', `/Patient/${id}/_history/${second}`, token)).body.gender, 'male');
  t.equal((await aidbox.fhir('GET', `/Patient/${id}/_history/999999`, token)).status, 404);
  await aidbox.fhir('DELETE', `/Patient/${id}`, token);
  const history = await aidbox.fhir('GET', `/Patient/${id}/_history`, token);
  const deletion = history.body.entry[0].response.etag.replace(/^W\/"(.*)"$/, '$1');
  t.equal((await aidbox.fhir('GET', `/Patient/${id}/_history/${deletion}`, token)).status, 410);
  t.equal((await aidbox.fhir('GET', `/Patient/${id}/_history/${first}`, token)).status, 200, 'still readable');
});

t.test('answers the history of a resource and of a type, newest first, deletions included', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await tokenWith(aidbox);
  const { id, first, second } = await patientWithHistory(aidbox, token, true);
  const history = await aidbox.fhir('GET', `/Patient/${id}/_history`, token);
  t.equal(history.status, 200);
  t.match(history.body, { resourceType: 'Bundle', type: 'history', total: 3 });
  t.same(
    history.body.entry.map((entry: { request: { method: string } }) => entry.request.method),
    ['DELETE', 'PUT', 'POST'],
  );
  t.notOk('resource' in history.body.entry[0], 'a deletion has no resource');
  t.same(
    history.body.entry
      .slice(1)
      .map((entry: { resource: { meta: { versionId: string } } }) => entry.resource.meta.versionId),
    [second, first],
  );
  t.equal((await aidbox.fhir('GET', `/Patient/${uniqueId('nobody')}/_history`, token)).status, 404);
  const typeHistory = await aidbox.fhir('GET', '/Patient/_history?_count=2', token);
  t.match(typeHistory.body, { type: 'history' });
  t.ok(typeHistory.body.total >= 8, 'the seeded patients and this one');
  t.equal(typeHistory.body.entry.length, 2);
  t.equal(typeHistory.body.entry[0].request.method, 'DELETE', 'the newest version of any Patient first');
});

t.test('searches by POST with form parameters joined to the query string', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await tokenWith(aidbox);
  const answer = await call(`${aidbox.url}/fhir/Coverage/_search?_count=10`, {
    method: 'POST',
    ...form({ beneficiary: 'Patient/test-pt-4' }),
    headers: { ...form({}).headers, authorization: `Bearer ${token}` },
  });
  t.equal(answer.status, 200);
  t.same(
    answer.body.entry.map((entry: { resource: { id: string } }) => entry.resource.id),
    ['cov-test-pt-4'],
  );
  const json = await call(`${aidbox.url}/fhir/Coverage/_search`, {
    method: 'POST',
    body: { beneficiary: 'Patient/test-pt-4' },
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(json.status, 415);
});

t.test('updates conditionally: creates on no match, updates the one match, 412 on several', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await tokenWith(aidbox);
  const member = uniqueId('M');
  const patient = { resourceType: 'Patient', identifier: [{ system: 'urn:example:member', value: member }] };
  const created = await aidbox.fhir('PUT', `/Patient?identifier=urn:example:member|${member}`, token, patient);
  t.equal(created.status, 201);
  t.match(created.headers.get('location'), new RegExp(`/fhir/Patient/${created.body.id}/_history/`));
  const updated = await aidbox.fhir('PUT', `/Patient?identifier=${member}`, token, {
    ...patient,
    id: 'ignored-id',
    gender: 'other',
  });
  t.equal(updated.status, 200);
  t.equal(updated.body.id, created.body.id, 'the body id is ignored on a match (update.md)');
  t.equal(updated.body.gender, 'other');
  const several = await aidbox.fhir('PUT', '/Patient?organization=org-beacon-mutual', token, patient);
  t.equal(several.status, 412);
  t.equal((await aidbox.fhir('PUT', '/Patient', token, patient)).status, 400, 'criteria are required');
  const unknown = await aidbox.fhir('PUT', '/Patient?family=Shaw', token, patient);
  t.equal(unknown.status, 400, 'criteria the emulator cannot search by are refused, never ignored');
});

t.test('answers 403 to a Bundle no policy allows, and never executes one a policy allows (501)', async (t) => {
  const aidbox = await startEmulator(t);
  const bundle = (type: string) => ({ resourceType: 'Bundle', type, entry: [] });
  const restricted = await tokenWith(aidbox, { operation: { id: 'FhirRead' } });
  for (const type of ['transaction', 'batch']) {
    t.equal((await aidbox.fhir('POST', '', restricted, bundle(type))).status, 403, type);
  }
  // Bundles pass the scope check whatever the scopes ("allows Bundle requests regardless of scopes").
  const allowed = await (await aidbox.secretClient(['system/Patient.r'], { type: 'smart-app' })).accessToken();
  const answer = await aidbox.fhir('POST', '', allowed, bundle('transaction'));
  t.equal(answer.status, 501);
  t.match(answer.body, { resourceType: 'OperationOutcome', issue: [{ code: 'not-supported' }] });
  t.equal((await aidbox.fhir('POST', '', allowed, { resourceType: 'Patient' })).status, 400);
  t.equal((await aidbox.fhir('POST', '', undefined, bundle('batch'))).status, 401);
});

t.test('policies see the documented operation ids', async (t) => {
  const aidbox = await startEmulator(t);
  const only = (id: string) => tokenWith(aidbox, { operation: { id } });
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', await only('FhirRead'))).status, 200);
  t.equal((await aidbox.fhir('GET', '/Patient', await only('FhirSearch'))).status, 200);
  const postSearch = await call(`${aidbox.url}/fhir/Patient/_search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await only('FhirPostSearch')}` },
  });
  t.equal(postSearch.status, 200);
  const patient = { resourceType: 'Patient', identifier: [{ value: uniqueId('M') }] };
  t.equal((await aidbox.fhir('POST', '/Patient', await only('FhirCreate'), patient)).status, 201);
  t.equal((await aidbox.fhir('PUT', '/Patient/test-pt-2', await only('FhirUpdate'), patient)).status, 200);
  t.equal((await aidbox.fhir('PATCH', '/Patient/test-pt-2', await only('FhirPatch'), { gender: 'male' })).status, 200);
  const conditional = await aidbox.fhir('PUT', `/Patient?_id=${uniqueId('pt')}`, await only('FhirConditionalUpdate'), {
    resourceType: 'Patient',
  });
  t.equal(conditional.status, 201);
});

t.test('policies betting on a guessed id for delete, vread or history are refused', async (t) => {
  const aidbox = await startEmulator(t);
  const guess = (ids: string[]) => tokenWith(aidbox, { operation: { id: { $enum: ids } } });
  const guessed = await guess(['FhirDelete', 'FhirVRead', 'FhirVread', 'FhirHistory', 'FhirHistoryInstance']);
  const withTypeHistory = await guess(['FhirHistoryType', 'FhirHistorySystem', 'FhirBatch']);
  t.equal((await aidbox.fhir('DELETE', '/Observation/obs-test-pt-1-a1c', guessed)).status, 403);
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1/_history/1', guessed)).status, 403);
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1/_history', guessed)).status, 403);
  t.equal((await aidbox.fhir('GET', '/Patient/_history', withTypeHistory)).status, 403);
  const batch = { resourceType: 'Bundle', type: 'batch', entry: [] };
  t.equal((await aidbox.fhir('POST', '', withTypeHistory, batch)).status, 403);
  // What works whatever the id: the request's method and path.
  const byShape = await tokenWith(aidbox, { 'request-method': 'delete', uri: '#^/fhir/Observation/[^/?]+$' });
  t.equal((await aidbox.fhir('DELETE', '/Observation/obs-test-pt-1-a1c', byShape)).status, 200);
});

t.test('the ids of delete, vread and history can be set to those a real Aidbox was seen to use', async (t) => {
  const aidbox = await startEmulator(t, {
    unverifiedOperationIds: { delete: 'FhirDelete', vread: 'FhirVRead', 'history-instance': 'FhirHistoryInstance' },
  });
  const token = await tokenWith(aidbox, {
    operation: { id: { $enum: ['FhirDelete', 'FhirVRead', 'FhirHistoryInstance'] } },
  });
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1/_history', token)).status, 200);
  t.equal((await aidbox.fhir('DELETE', '/Observation/obs-test-pt-1-a1c', token)).status, 200);
  t.equal((await aidbox.fhir('GET', '/Patient/_history', token)).status, 403, 'type history keeps its default');
});

t.test(
  'a smart-app token needs r for vread and history, s for type history, c u and s for conditional update',
  async (t) => {
    const aidbox = await startEmulator(t);
    const token = async (scope: string) => (await aidbox.secretClient([scope], { type: 'smart-app' })).accessToken();
    const reader = await token('system/Patient.r');
    t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1/_history', reader)).status, 200);
    t.equal((await aidbox.fhir('GET', '/Patient/_history', reader)).status, 403);
    const searcher = await token('system/Patient.s');
    t.equal((await aidbox.fhir('GET', '/Patient/_history', searcher)).status, 200);
    t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1/_history', searcher)).status, 403);
    const criteria = `/Patient?_id=${uniqueId('pt')}`;
    const writer = await token('system/Patient.cu');
    t.equal((await aidbox.fhir('PUT', criteria, writer, { resourceType: 'Patient' })).status, 403, 'cu is not enough');
    const all = await token('system/Patient.cus');
    t.equal((await aidbox.fhir('PUT', criteria, all, { resourceType: 'Patient' })).status, 201);
  },
);

t.test(
  'a query parameter named resource/type overrides the route in params, the worst case the docs leave',
  async (t) => {
    const aidbox = await startEmulator(t);
    // A policy trusting params alone, as the portal's policies must not.
    const token = await tokenWith(aidbox, { params: { 'resource/type': 'Patient' }, operation: { id: 'FhirSearch' } });
    t.equal((await aidbox.fhir('GET', '/Observation', token)).status, 403);
    t.equal((await aidbox.fhir('GET', '/Observation?resource%2Ftype=Patient', token)).status, 200);
  },
);
