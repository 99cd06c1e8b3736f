import { readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t from 'tap';
import { loadEmulatorConfig } from '../src/env-config.ts';
import { download, exportClient, exportManifest, kickOff, poll } from './bulk-export-fixture.ts';
import { call, startEmulator } from './emulator-fixture.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The folders holding a job's files: `<tmp>/aidbox-emulator-export-<random>/<job id>` (none once they are deleted). */
async function jobFolders(statusUrl: string): Promise<string[]> {
  const jobId = statusUrl.split('/').pop() ?? '';
  const roots = (await readdir(tmpdir())).filter((name) => name.startsWith('aidbox-emulator-export-'));
  const found: string[] = [];
  for (const root of roots) {
    const jobs = await readdir(join(tmpdir(), root)).catch((): string[] => []);
    if (jobs.includes(jobId)) found.push(join(tmpdir(), root, jobId));
  }
  return found;
}

t.test(
  'polling a running export answers 202 with X-Progress and Retry-After, then 200 once it completes',
  async (t) => {
    const aidbox = await startEmulator(t, { exportRetryAfterSeconds: 7 });
    const token = await (await exportClient(aidbox, { types: ['Patient', 'Coverage'] })).token();
    const hold = aidbox.emulator.holdExports();
    const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient,Coverage', token);
    t.equal(accepted.status, 202);
    const statusUrl = accepted.headers.get('content-location') ?? '';
    const [held] = await hold.arrived();
    t.equal(statusUrl.split('/').pop(), held, 'the held job is the one kicked off');

    const running = await call(statusUrl, { headers: bearer(token) });
    t.equal(running.status, 202);
    t.equal(running.headers.get('x-progress'), 'in-progress 0/2 types');
    t.equal(running.headers.get('retry-after'), '7');

    hold.release();
    t.equal((await poll(statusUrl, token)).status, 200);
  },
);

t.test('a kick-off while maxConcurrentExports exports run answers 429 with Retry-After', async (t) => {
  const aidbox = await startEmulator(t, { exportRetryAfterSeconds: 3 });
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const other = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const hold = aidbox.emulator.holdExports();
  const first = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  await hold.arrived();

  const refused = await kickOff(aidbox, '/fhir/Patient/$export?_type=Patient', other);
  t.equal(refused.status, 429, 'one at a time, whoever asks');
  t.equal(refused.headers.get('retry-after'), '3');
  t.match(refused.body, { resourceType: 'OperationOutcome' });

  hold.release();
  t.equal((await poll(first.headers.get('content-location') ?? '', token)).status, 200);
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', other)).status, 202, 'accepted once it finished');
});

t.test('maxConcurrentExports lets that many exports run at once', async (t) => {
  const aidbox = await startEmulator(t, { maxConcurrentExports: 2 });
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const hold = aidbox.emulator.holdExports(2);
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', token)).status, 202);
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', token)).status, 202);
  await hold.arrived();
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', token)).status, 429);
  hold.release();
});

t.test('cancelling a running export answers 202; it never completes and its status is gone', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const hold = aidbox.emulator.holdExports();
  const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  const statusUrl = accepted.headers.get('content-location') ?? '';
  await hold.arrived();

  t.equal((await call(statusUrl, { method: 'DELETE', headers: bearer(token) })).status, 202);
  hold.release();
  t.equal((await call(statusUrl, { headers: bearer(token) })).status, 404);
  t.equal((await call(statusUrl, { method: 'DELETE', headers: bearer(token) })).status, 404, 'a second cancel');
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', token)).status, 202, 'no longer counts as running');
});

t.test('cancelling a completed export deletes its files: their signed URLs answer 404', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  const statusUrl = accepted.headers.get('content-location') ?? '';
  const manifest = (await poll(statusUrl, token)).body;
  t.equal((await download(manifest.output[0].url, token)).status, 200);
  t.equal((await jobFolders(statusUrl)).length, 1, 'the files are on disk');
  const cancel = await call(statusUrl, { method: 'DELETE', headers: bearer(token) });
  t.equal(cancel.status, 202);
  t.same(await jobFolders(statusUrl), [], 'and gone once the cancel is answered');
  t.equal((await download(manifest.output[0].url, token)).status, 404);
});

t.test('a finished export expires after exportRetentionMs: its status answers 404 and its URLs 403', async (t) => {
  let now = Date.now();
  const aidbox = await startEmulator(t, { exportRetentionMs: 60_000, exportClock: () => now });
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  // The export's clock starts once the sample data is stored (stamped with the real time): an export leaves out what
  // changed after its transactionTime, so a clock started earlier would leave out every Patient.
  const start = Date.now();
  now = start;
  const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  const statusUrl = accepted.headers.get('content-location') ?? '';
  const manifest = (await poll(statusUrl, token)).body;
  t.equal(manifest.transactionTime, new Date(start).toISOString(), 'the kick-off time');
  const url: string = manifest.output[0].url;
  t.equal(new URL(url).searchParams.get('X-Emulator-Expires'), String(Math.floor((start + 60_000) / 1000)));

  now += 59_000;
  t.equal((await download(url, token)).status, 200, 'still within the hour');
  now += 1_000;
  t.equal((await download(url, token)).status, 403, 'the signature has expired');
  t.equal((await call(statusUrl, { headers: bearer(token) })).status, 404, 'the job is gone');
});

t.test(
  'with exportRequiresAccessToken false the manifest says so and files download by their signed URL alone',
  async (t) => {
    const aidbox = await startEmulator(t, { exportRequiresAccessToken: false });
    const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
    const manifest = await exportManifest(aidbox, '/fhir/$export?_type=Patient', token);
    t.equal(manifest.requiresAccessToken, false);
    t.equal((await download(manifest.output[0].url)).status, 200);
    t.equal((await download(manifest.output[0].url.replace(/.$/, 'x'))).status, 403, 'the signature still counts');
  },
);

t.test('a deactivated client can neither start an export nor poll the one it started', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await exportClient(aidbox, { types: ['Patient'] });
  const token = await client.token();
  const hold = aidbox.emulator.holdExports();
  const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  await hold.arrived();
  await aidbox.admin(
    'PATCH',
    `/Client/${client.id}`,
    { active: false },
    { 'content-type': 'application/merge-patch+json' },
  );
  hold.release();

  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', token)).status, 401);
  t.equal((await call(accepted.headers.get('content-location') ?? '', { headers: bearer(token) })).status, 401);
  const refused = await aidbox.token({
    grant_type: 'client_credentials',
    client_id: client.id,
    client_secret: client.secret,
  });
  t.not(refused.status, 200, 'and it gets no new token');
});

t.test('the emulator process reads the bulk export settings from EMULATOR_* variables', async (t) => {
  const base = { EMULATOR_ADMIN_CLIENT_SECRET: 'secret' };
  t.match(loadEmulatorConfig(base), { exportRequiresAccessToken: true });
  t.notOk('syntheticPatients' in loadEmulatorConfig(base));
  t.match(
    loadEmulatorConfig({
      ...base,
      EMULATOR_SYNTHETIC_PATIENTS: '1667',
      EMULATOR_MAX_CONCURRENT_EXPORTS: '2',
      EMULATOR_EXPORT_REQUIRES_ACCESS_TOKEN: 'false',
      EMULATOR_EXPORT_RETENTION_SECONDS: '600',
      EMULATOR_EXPORT_RETRY_AFTER_SECONDS: '0',
    }),
    {
      syntheticPatients: 1667,
      maxConcurrentExports: 2,
      exportRequiresAccessToken: false,
      exportRetentionMs: 600_000,
      exportRetryAfterSeconds: 0,
    },
  );
  t.throws(() => loadEmulatorConfig({ ...base, EMULATOR_SYNTHETIC_PATIENTS: '-1' }), /EMULATOR_SYNTHETIC_PATIENTS/);
  t.throws(
    () => loadEmulatorConfig({ ...base, EMULATOR_MAX_CONCURRENT_EXPORTS: '0' }),
    /EMULATOR_MAX_CONCURRENT_EXPORTS/,
  );
  t.throws(
    () => loadEmulatorConfig({ ...base, EMULATOR_EXPORT_REQUIRES_ACCESS_TOKEN: 'yes' }),
    /REQUIRES_ACCESS_TOKEN/,
  );
});

t.test('closing the emulator deletes every export file', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  const statusUrl = accepted.headers.get('content-location') ?? '';
  t.equal((await poll(statusUrl, token)).status, 200);
  t.equal((await jobFolders(statusUrl)).length, 1);
  await aidbox.emulator.close();
  t.same(await jobFolders(statusUrl), []);
});

t.test('an export whose files cannot be written answers its status with 500 and a BulkExportStatus', async (t) => {
  const aidbox = await startEmulator(t);
  const token = await (await exportClient(aidbox, { types: ['Patient'] })).token();
  const first = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  await poll(first.headers.get('content-location') ?? '', token);
  const [folder] = await jobFolders(first.headers.get('content-location') ?? '');
  const hold = aidbox.emulator.holdExports();
  const accepted = await kickOff(aidbox, '/fhir/$export?_type=Patient', token);
  await hold.arrived();
  // The store's directory becomes a plain file: the held job can make no folder there.
  const root = dirname(folder ?? '');
  await rm(root, { recursive: true, force: true });
  await writeFile(root, 'not a directory');
  t.teardown(() => rm(root, { force: true }));
  hold.release();

  const failed = await poll(accepted.headers.get('content-location') ?? '', token);
  t.equal(failed.status, 500);
  t.match(failed.body, {
    resourceType: 'BulkExportStatus',
    status: 'error',
    request: `${aidbox.url}/fhir/$export?_type=Patient`,
    extension: [{ url: 'urn:url:extension:BulkExportStatus.internal-error', valueString: String }],
  });
  t.equal((await kickOff(aidbox, '/fhir/$export?_type=Patient', token)).status, 202, 'a failed job no longer runs');
});
