import t from 'tap';
import { loadEmulatorConfig } from '../src/env-config.ts';
import { ADMIN, basic, startEmulator, uniqueId } from './emulator-fixture.ts';

const client = { grant_types: ['client_credentials'], scope: ['system/Patient.rs'], secret: 'pw' };

t.test('with errorRate 1 answers 503 transient and stores nothing, while /health stays up', async (t) => {
  const aidbox = await startEmulator(t, { faults: { errorRate: 1 } });
  const id = uniqueId('svc');
  const answer = await aidbox.admin('PUT', `/Client/${id}`, client);
  t.equal(answer.status, 503);
  t.match(answer.body, { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'transient' }] });
  t.equal(aidbox.emulator.resource('Client', id), undefined);
  const token = await aidbox.token({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' });
  t.equal(token.status, 503);
  const health = await fetch(`${aidbox.url}/health`);
  t.equal(health.status, 200);
  t.equal(((await health.json()) as { status: string }).status, 'pass');
});

t.test('with dropRate 1 closes the connection without an answer and stores nothing', async (t) => {
  const aidbox = await startEmulator(t, { faults: { dropRate: 1 } });
  const id = uniqueId('svc');
  await t.rejects(
    fetch(`${aidbox.url}/Client/${id}`, {
      method: 'PUT',
      headers: { authorization: basic(ADMIN.id, ADMIN.secret), 'content-type': 'application/json' },
      body: JSON.stringify(client),
    }),
    TypeError,
  );
  t.equal(aidbox.emulator.resource('Client', id), undefined);
  t.same(aidbox.emulator.requests(), [], 'a dropped request is not an answer');
});

t.test('setFaults changes the faults at runtime and back to none', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  aidbox.emulator.setFaults({ errorRate: 1 });
  t.equal((await aidbox.admin('PUT', `/Client/${id}`, client)).status, 503);
  aidbox.emulator.setFaults({ dropRate: 1 });
  await t.rejects(aidbox.admin('GET', `/Client/${id}`));
  aidbox.emulator.setFaults({ errorRate: 0, dropRate: 0 });
  t.equal((await aidbox.admin('PUT', `/Client/${id}`, client)).status, 201);
  aidbox.emulator.setFaults({ latencyMs: 5 });
  t.equal((await aidbox.admin('GET', `/Client/${id}`)).status, 200, 'latency delays but still answers');
  t.throws(() => aidbox.emulator.setFaults({ errorRate: 2 }), RangeError);
});

t.test('records every answered request with its method, path and status', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  await aidbox.admin('PUT', `/Client/${id}?_pretty=true`, client);
  await aidbox.admin('GET', `/Client/${id}`);
  aidbox.emulator.setFaults({ errorRate: 1 });
  await aidbox.admin('DELETE', `/Client/${id}`);
  t.same(aidbox.emulator.requests(), [
    { method: 'PUT', path: `/Client/${id}`, status: 201 },
    { method: 'GET', path: `/Client/${id}`, status: 200 },
    { method: 'DELETE', path: `/Client/${id}`, status: 503 },
  ]);
});

t.test('refuses to start with impossible faults or without an admin client secret', async (t) => {
  await t.rejects(startEmulator(t, { faults: { dropRate: -0.1 } }), RangeError);
  await t.rejects(startEmulator(t, { adminClient: { id: 'root', secret: '' } }), RangeError);
});

t.test(
  'with writeConflictRate 1 answers PUT and DELETE with a 409 or 412 conflict and changes nothing, while reads pass',
  async (t) => {
    const aidbox = await startEmulator(t);
    const id = uniqueId('svc');
    t.equal((await aidbox.admin('PUT', `/Client/${id}`, client)).status, 201);
    const before = aidbox.emulator.resource('Client', id);
    for (const status of [412, 409] as const) {
      aidbox.emulator.setFaults({ writeConflictRate: 1, writeConflictStatus: status });
      const put = await aidbox.admin('PUT', `/Client/${id}`, { ...client, scope: ['system/Coverage.rs'] });
      t.equal(put.status, status);
      t.match(put.body, { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'conflict' }] });
      t.equal((await aidbox.admin('DELETE', `/Client/${id}`)).status, status);
      t.equal((await aidbox.admin('GET', `/Client/${id}`)).status, 200, 'a read is no write');
    }
    t.same(aidbox.emulator.resource('Client', id), before, 'nothing changed');
    aidbox.emulator.setFaults({ writeConflictRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 40; i++) statuses.add((await aidbox.admin('DELETE', `/Client/${id}`)).status);
    t.ok(
      [...statuses].every((status) => status === 409 || status === 412),
      'left to chance: 409 or 412',
    );
    t.throws(() => aidbox.emulator.setFaults({ writeConflictRate: 1.5 }), /writeConflictRate/);
    t.throws(() => aidbox.emulator.setFaults({ writeConflictStatus: 500 as never }), /writeConflictStatus/);
  },
);

t.test('reads the write conflict rate from EMULATOR_WRITE_CONFLICT_RATE', async (t) => {
  const base = { EMULATOR_ADMIN_CLIENT_SECRET: 'secret' };
  t.match(loadEmulatorConfig({ ...base, EMULATOR_WRITE_CONFLICT_RATE: '0.25' }), {
    faults: { writeConflictRate: 0.25 },
  });
  t.throws(() => loadEmulatorConfig({ ...base, EMULATOR_WRITE_CONFLICT_RATE: '2' }), /EMULATOR_WRITE_CONFLICT_RATE/);
});
