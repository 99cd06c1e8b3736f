import t from 'tap';
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
import { ADMIN, basic, call, startEmulator } from './emulator-fixture.ts';

t.test(
  'a system-level export with _type answers 202, then a manifest whose files hold the asked types, one per line',
  async (t) => {
    const aidbox = await startEmulator(t);
    const client = await exportClient(aidbox, { types: ['Patient', 'Coverage'] });
    const token = await client.token();

    const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient,Coverage', token);
    t.equal(accepted.status, 202);
    const statusUrl = accepted.headers.get('content-location') ?? '';
    t.match(statusUrl, new RegExp(`^${aidbox.url}/fhir/\\$export-status/[0-9a-f-]{36}$`));

    const done = await poll(statusUrl, token);
    t.equal(done.status, 200);
    t.match(done.headers.get('content-type'), /^application\/json/);
    const manifest = done.body;
    t.match(manifest, {
      transactionTime: String,
      request: `${aidbox.url}/fhir/$export?_type=Patient,Coverage`,
      requiresAccessToken: true,
      error: [],
      deleted: [],
    });
    t.ok(!Number.isNaN(Date.parse(manifest.transactionTime)));
    t.same(
      manifest.output.map((output: any) => [output.type, output.count]),
      [
        ['Patient', 5],
        ['Coverage', 5],
      ],
    );
    for (const output of manifest.output) {
      t.match(
        output.url,
        new RegExp(
          `^${aidbox.url}/bulk-storage/.+/${output.type}\\.ndjson\\?X-Emulator-Expires=\\d+&X-Emulator-Signature=[0-9a-f]{64}$`,
        ),
      );
      const file = await download(output.url, token);
      t.equal(file.status, 200);
      t.equal(file.contentType, 'application/fhir+ndjson');
    }
    const resources = await exportedResources(manifest, token);
    t.same(countByType(resources), { Patient: 5, Coverage: 5 });
    const reader = await (await aidbox.secretClient([])).accessToken();
    const read = await aidbox.fhir('GET', '/Patient/test-pt-1', reader);
    const exported = resources.find((resource) => resource.id === 'test-pt-1');
    t.same(exported, read.body, 'resources as the FHIR API shows them');
    t.notOk('createdAt' in (exported?.meta ?? {}), 'no Aidbox-only meta.createdAt');
  },
);

t.test('a kick-off without Prefer: respond-async answers 400 with an OperationOutcome', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const answer = await kickOff(aidbox, '/fhir/$export?_type=Patient', token, { headers: { prefer: '' } });
  t.equal(answer.status, 400);
  t.match(answer.body, { resourceType: 'OperationOutcome', issue: [{ code: 'invalid' }] });
});

t.test('a kick-off without a token answers 401, and one its policy does not allow answers 403', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', undefined)).status, 401);
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient,Observation', token)).status, 403, 'a type not granted');
  t.equal((await kickOff(aidbox, '/fhir/$export', token)).status, 403, '_type is required by the policy');
  t.equal(
    (await kickOff(aidbox, '/fhir/$export?_type=Patient&_aidbox.storageBucket=other', token)).status,
    403,
    'a storage override',
  );
});

t.test('a client whose policy allows only Patient never receives another type', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  for (const path of [
    '/fhir/$export?_type=Patient',
    '/fhir/Patient/$export?_type=Patient',
    '/fhir/Group/group-all-members/$export?_type=Patient',
  ]) {
    const manifest = await exportManifest(aidbox, path, token);
    const resources = await exportedResources(manifest, token);
    t.same(countByType(resources), { Patient: 5 }, path);
  }
});

t.test(
  'a file downloads only with its signature and the token of the active client that started the export',
  async (t) => {
    const aidbox = await startEmulator(t);
    const owner = await exportClient(aidbox, { types: ['Patient'] });
    const token = await owner.token();
    const other = await (await exportClient(aidbox, { types: ['Patient'] })).token();
    const manifest = await exportManifest(aidbox, '/fhir/$export?_type=Patient', token);
    const url: string = manifest.output[0].url;

    t.equal((await download(url, token)).status, 200);
    t.equal((await download(url)).status, 401, 'without a token');
    t.equal((await download(url, 'not-a-token')).status, 401, 'with a token the emulator did not issue');
    t.equal((await download(url, other)).status, 403, "another client's token");
    t.equal((await download(url, undefined, { authorization: basic(ADMIN.id, ADMIN.secret) })).status, 401, 'Basic');

    const tampered = url.replace(/Signature=([0-9a-f])/, (_all, first) => `Signature=${first === '0' ? '1' : '0'}`);
    t.equal((await download(tampered, token)).status, 403, 'a changed signature');
    const longer = url.replace(/Expires=(\d+)/, (_all, expires) => `Expires=${Number(expires) + 3600}`);
    t.equal((await download(longer, token)).status, 403, 'a changed expiry');
    t.equal((await download(url.replace('Patient.ndjson', 'Coverage.ndjson'), token)).status, 403, 'another file');
    t.equal((await download(url.split('?')[0] ?? '', token)).status, 403, 'no signature');

    await aidbox.admin(
      'PATCH',
      `/Client/${owner.id}`,
      { active: false },
      { 'content-type': 'application/merge-patch+json' },
    );
    t.equal((await download(url, token)).status, 403, 'once the client is deactivated');
  },
);

t.test('polling a job of another client, or an unknown job, answers 404', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const other = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  const statusUrl = accepted.headers.get('content-location') ?? '';
  t.equal((await call(statusUrl, { headers: { authorization: `Bearer ${other}` } })).status, 404);
  t.equal((await call(statusUrl, { method: 'DELETE', headers: { authorization: `Bearer ${other}` } })).status, 404);
  const unknown = await call(`${aidbox.url}/fhir/$export-status/00000000-0000-4000-8000-000000000000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(unknown.status, 404);
  t.match(unknown.body, { resourceType: 'OperationOutcome' });
  t.equal((await call(statusUrl, { headers: ASYNC })).status, 401, 'without a token');
  t.equal((await poll(statusUrl, token)).status, 200, 'the owner still gets it');
});
