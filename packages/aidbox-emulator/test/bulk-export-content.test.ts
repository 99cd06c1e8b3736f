import t from 'tap';
import { SAMPLE_GROUP_IDS } from '../src/index.ts';
import {
  ASYNC,
  countByType,
  download,
  exportClient,
  exportedResources,
  exportManifest,
  kickOff,
  poll,
} from './bulk-export-fixture.ts';
import { ADMIN, basic, call, startEmulator, uniqueId } from './emulator-fixture.ts';
import { clientBinding, startOrgbacEmulator } from './orgbac-fixture.ts';

const MEMBER_TYPES = { Patient: 5, Coverage: 5, Claim: 5, ExplanationOfBenefit: 5, Encounter: 5, Observation: 5 };

t.test('a system-level export without _type holds every FHIR type stored, and no Client or AccessPolicy', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox)).token();
  const resources = await exportedResources(await exportManifest(aidbox, '/fhir/$export', token), token);
  t.same(countByType(resources), { ...MEMBER_TYPES, Organization: 3, Practitioner: 2, Group: 2 });
});

t.test('a patient-level export holds the Patients and their compartment, nothing else', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox)).token();
  const all = await exportedResources(await exportManifest(aidbox, '/fhir/Patient/$export', token), token);
  t.same(countByType(all), MEMBER_TYPES);

  const two = await exportedResources(
    await exportManifest(aidbox, '/fhir/Patient/$export?patient=test-pt-1,test-pt-4&_type=Patient,Claim', token),
    token,
  );
  t.same(two.map((resource) => resource.id).sort(), [
    'claim-test-pt-1-1',
    'claim-test-pt-4-1',
    'test-pt-1',
    'test-pt-4',
  ]);
  t.equal((await kickOff(aidbox, '/fhir/Patient/$export?patient=nobody', token)).status, 422, 'an unknown patient');
});

t.test('a group-level export holds the Group members and their compartment, not the Group', async (t) => {
  t.same(SAMPLE_GROUP_IDS, ['group-all-members', 'group-east-members']);
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox)).token();
  const east = await exportedResources(
    await exportManifest(aidbox, '/fhir/Group/group-east-members/$export', token),
    token,
  );
  t.same(countByType(east), {
    Patient: 1,
    Coverage: 1,
    Claim: 1,
    ExplanationOfBenefit: 1,
    Encounter: 1,
    Observation: 1,
  });
  t.ok(east.every((resource) => resource.id.includes('test-pt-3')));
  const all = await exportedResources(
    await exportManifest(aidbox, '/fhir/Group/group-all-members/$export', token),
    token,
  );
  t.same(countByType(all), MEMBER_TYPES);
  const unknown = await kickOff(aidbox, '/fhir/Group/no-such-group/$export', token);
  t.equal(unknown.status, 404);
  t.match(unknown.body, { resourceType: 'OperationOutcome' });
});

t.test('_since and _until keep the resources changed strictly between them', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox)).token();
  const before = new Date(Date.now() - 60_000).toISOString();
  const after = new Date(Date.now() + 60_000).toISOString();
  const since = await exportManifest(aidbox, `/fhir/$export?_type=Patient&_since=${before}`, token);
  t.same(countByType(await exportedResources(since, token)), { Patient: 5 });
  t.same((await exportManifest(aidbox, `/fhir/$export?_type=Patient&_since=${after}`, token)).output, []);
  t.same((await exportManifest(aidbox, `/fhir/$export?_type=Patient&_until=${before}`, token)).output, []);
  t.equal((await kickOff(aidbox, '/fhir/$export?_since=yesterday', token)).status, 400);
});

t.test('kick-off parameters the emulator does not implement answer 400; the NDJSON aliases are accepted', async (t) => {
  const aidbox = await startEmulator(t);
  // A policy that allows every request: the emulator's own checks are what this test is about.
  const token = await (await aidbox.secretClient([])).accessToken();
  const status = async (query: string) => {
    const answer = await kickOff(aidbox, `/fhir/$export?${query}`, token);
    if (answer.status === 202) t.equal((await poll(answer.headers.get('content-location') ?? '', token)).status, 200);
    return answer.status;
  };
  for (const format of ['application/fhir+ndjson', 'application/ndjson', 'ndjson']) {
    t.equal(await status(`_outputFormat=${encodeURIComponent(format)}`), 202, format);
  }
  t.equal(await status('_outputFormat=application/fhir%2Bndjson%2Bgzip'), 400, 'gzip is not emulated');
  t.equal(await status('_type=Patient&_count=5'), 400, 'an unknown parameter');
  t.equal(await status('_typeFilter=Patient%3Factive%3Dtrue'), 400, 'a documented one the emulator lacks');
  t.equal(await status('_type=NotAType'), 400, 'an unknown type');
  t.equal(await status('patient=test-pt-1'), 400, 'patient at system level');
  t.equal(await status('_aidbox.storageBucket=elsewhere'), 202, 'storage overrides are accepted and ignored');
});

t.test('a POST kick-off takes a Parameters body at patient and group level', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { post: true })).token();
  const body = {
    resourceType: 'Parameters',
    parameter: [
      { name: '_type', valueString: 'Patient' },
      { name: '_type', valueString: 'Coverage' },
      { name: 'patient', valueReference: { reference: 'Patient/test-pt-1' } },
    ],
  };
  const accepted = await kickOff(aidbox, '/fhir/Group/group-all-members/$export', token, { body });
  t.equal(accepted.status, 202);
  const manifest = (await poll(accepted.headers.get('content-location') ?? '', token)).body;
  const resources = await exportedResources(manifest, token);
  t.same(resources.map((resource) => resource.id).sort(), ['cov-test-pt-1', 'test-pt-1']);

  const unknown = { resourceType: 'Parameters', parameter: [{ name: 'nonsense', valueString: 'x' }] };
  t.equal((await kickOff(aidbox, '/fhir/Patient/$export', token, { body: unknown })).status, 422);
  const stranger = { ...body, parameter: [{ name: 'patient', valueReference: { reference: 'Patient/test-pt-4' } }] };
  const notMember = await kickOff(aidbox, '/fhir/Group/group-east-members/$export', token, { body: stranger });
  t.equal(notMember.status, 422, 'a patient who is not a member');
});

t.test('a smart-app token exports only the types its scopes allow to read and search', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await exportClient(aidbox, { client: { type: 'smart-app', scope: ['system/Patient.rs'] } });
  const token = await client.token();
  const resources = await exportedResources(await exportManifest(aidbox, '/fhir/$export', token), token);
  t.same(countByType(resources), { Patient: 5 }, 'no _type: only what the scopes allow');
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient,Observation', token)).status, 403);
});

t.test('export requests reach policies under ids nobody would guess, unless the emulator is told them', async (t) => {
  const guessed = (id: string) => ({
    engine: 'matcho',
    link: [{ resourceType: 'Client', id }],
    matcho: { client: { id }, operation: { id: { $enum: ['FhirExport', 'FhirExportStatus'] } } },
  });
  for (const [options, expected] of [
    [{}, 403],
    [{ unverifiedOperationIds: { export: 'FhirExport', 'export-status': 'FhirExportStatus' } }, 202],
  ] as const) {
    const aidbox = await startEmulator(t, options);
    const client = await exportClient(aidbox, { types: [] });
    await aidbox.putPolicy(uniqueId('guessed'), guessed(client.id));
    t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', await client.token())).status, expected);
  }
});

t.test('an export through an organization base holds only that organization and its descendants', async (t) => {
  const aidbox = await startOrgbacEmulator(t, { syntheticPatients: 3 });
  const org = 'org-acme-health';
  const client = await exportClient(aidbox, {
    base: `/Organization/${org}/fhir`,
    client: { meta: clientBinding(org) },
  });
  const token = await client.token();
  const base = `/Organization/${org}/fhir`;

  const system = await exportedResources(
    await exportManifest(aidbox, `${base}/$export?_type=Patient,Claim`, token),
    token,
  );
  t.same(system.map((resource) => resource.id).sort(), [
    'claim-test-pt-1-1',
    'claim-test-pt-2-1',
    'claim-test-pt-3-1',
    'test-pt-1',
    'test-pt-2',
    'test-pt-3',
  ]);
  const shared = await exportedResources(
    await exportManifest(aidbox, `${base}/Group/group-all-members/$export?_type=Patient`, token),
    token,
  );
  t.same(shared.map((resource) => resource.id).sort(), ['test-pt-1', 'test-pt-2', 'test-pt-3'], 'its members only');

  const accepted = await kickOff(aidbox, `${base}/$export?_type=Patient`, token);
  t.match(accepted.headers.get('content-location'), `${aidbox.url}${base}/$export-status/`);
  await poll(accepted.headers.get('content-location') ?? '', token);
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', token)).status, 403, 'not the root base');
  const beacon = await exportClient(aidbox, {
    base: '/Organization/org-beacon-mutual/fhir',
    client: { meta: clientBinding('org-beacon-mutual') },
  });
  const east = await kickOff(
    aidbox,
    '/Organization/org-beacon-mutual/fhir/Group/group-east-members/$export',
    await beacon.token(),
  );
  t.equal(east.status, 404, "another organization's Group");
});

t.test('the admin client exports through an organization base with Basic, and downloads with Basic', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const authorization = basic(ADMIN.id, ADMIN.secret);
  const base = '/Organization/org-acme-health-east/fhir';
  const accepted = await call(`${aidbox.url}${base}/$export?_type=Patient`, { headers: { ...ASYNC, authorization } });
  t.equal(accepted.status, 202);
  const statusUrl = accepted.headers.get('content-location') ?? '';
  let status = await call(statusUrl, { headers: { authorization } });
  while (status.status === 202) status = await call(statusUrl, { headers: { authorization } });
  t.equal(status.status, 200);
  const url: string = status.body.output[0].url;
  const file = await download(url, undefined, { authorization });
  t.equal(file.status, 200);
  t.same(
    file.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).id),
    ['test-pt-3'],
  );
  t.equal((await download(url)).status, 401, 'not without credentials');
  const root = await call(`${aidbox.url}/fhir/$export?_type=Patient`, { headers: { ...ASYNC, authorization } });
  t.equal(root.status, 401, 'the root base takes tokens only, as for every other FHIR request in the emulator');
});

t.test('syntheticPatients adds six resources per patient: 1,667 patients make a 10,000-resource export', async (t) => {
  const aidbox = await startEmulator(t, { syntheticPatients: 1667, seed: false });
  const token = await (await exportClient(aidbox)).token();
  const manifest = await exportManifest(aidbox, '/fhir/$export', token);
  const counts = Object.fromEntries(manifest.output.map((output: any) => [output.type, output.count]));
  t.same(counts, {
    Claim: 1667,
    Coverage: 1667,
    Encounter: 1667,
    ExplanationOfBenefit: 1667,
    Observation: 1667,
    Patient: 1667,
  });
  const patients = await exportedResources({ output: manifest.output.filter((o: any) => o.type === 'Patient') }, token);
  t.equal(new Set(patients.map((patient) => patient.id)).size, 1667);
  t.equal(patients[0]?.id, 'synthetic-pt-1', 'deterministic ids');
});
