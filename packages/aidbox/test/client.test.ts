// The client's failure handling against the Aidbox emulator, with faults injected into the emulator.
import t, { type Test } from 'tap';
import { type AidboxClient, clientResource, createAidboxClient } from '../src/index.ts';
import { failure } from './helpers/failure.ts';
import { type Emulator, loadEmulator, portalClientId, startEmulator } from './helpers/target.ts';

const module = await loadEmulator();

const desired = (id: string): AidboxClient =>
  clientResource(
    {
      clientId: id,
      authMethod: 'jwks_uri',
      jwksUri: 'https://partner.example/.well-known/jwks.json',
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
      organizationId: null,
    },
    { active: true },
  );

/** The statuses the emulator recorded for `path`, in order. */
const statusesOf = (emulator: Emulator, path: string) =>
  emulator
    .requests()
    .filter((request) => request.path === path)
    .map((request) => request.status);

if (typeof module === 'string') {
  // Skipped with its reason, so a run that could not reach any Aidbox says so rather than passing quietly.
  t.test('the client tests against the emulator', { skip: module }, () => undefined);
} else {
  // As the provisioning client, whose policies refuse any id but the portal's own (`portalClientId`).
  async function setup(t: Test) {
    const { emulator, provisioner } = await startEmulator(t, module as Exclude<typeof module, string>);
    return { emulator, connection: provisioner };
  }

  t.test('retries a PUT through injected 503s and succeeds once the fault clears', async (t) => {
    const { emulator, connection } = await setup(t);
    const id = portalClientId();
    let answered = 0;
    // Real HTTP to the emulator; after the second answer the fault is cleared, so the third attempt goes through.
    const clearingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (++answered === 2) emulator.setFaults({ errorRate: 0 });
      return response;
    };
    emulator.setFaults({ errorRate: 1 });
    const aidbox = createAidboxClient({ ...connection, retries: 3, retryDelayMs: 1, fetch: clearingFetch });
    const result = await aidbox.putClient(desired(id));
    t.equal(result.created, true);
    t.same(statusesOf(emulator, `/Client/${id}`), [503, 503, 201]);
  });

  t.test('retries a PUT and a DELETE through injected 412 and 409 write conflicts', async (t) => {
    const { emulator, connection } = await setup(t);
    const id = portalClientId();
    let answered = 0;
    const clearingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      answered += 1;
      if (answered === 2) emulator.setFaults({});
      if (answered === 3) emulator.setFaults({ writeConflictRate: 1, writeConflictStatus: 409 });
      if (answered === 4) emulator.setFaults({});
      return response;
    };
    emulator.setFaults({ writeConflictRate: 1, writeConflictStatus: 412 });
    const aidbox = createAidboxClient({ ...connection, retries: 3, retryDelayMs: 1, fetch: clearingFetch });
    t.equal((await aidbox.putClient(desired(id))).created, true);
    t.same(statusesOf(emulator, `/Client/${id}`), [412, 412, 201]);
    t.same(await aidbox.deleteClient(id), { existed: true });
    t.same(statusesOf(emulator, `/Client/${id}`), [412, 412, 201, 409, 200]);
  });

  t.test('gives up after its retries with a retryable error that carries the OperationOutcome', async (t) => {
    const { emulator, connection } = await setup(t);
    const id = portalClientId();
    emulator.setFaults({ errorRate: 1 });
    const aidbox = createAidboxClient({ ...connection, retries: 2, retryDelayMs: 1 });
    const error = await failure(aidbox.getClient(id));
    t.equal(error.status, 503);
    t.equal(error.retryable, true);
    t.equal(error.operation, `GET /Client/${id}`);
    t.equal(error.outcome?.resourceType, 'OperationOutcome');
    t.same(statusesOf(emulator, `/Client/${id}`), [503, 503, 503]);
  });

  t.test('does not retry a refused request', async (t) => {
    const { emulator, connection } = await setup(t);
    const id = portalClientId();
    const aidbox = createAidboxClient({ ...connection, retries: 3, retryDelayMs: 1 });
    const invalid = { ...desired(id), jwks_uri: 'not a URL' };
    const error = await failure(aidbox.putClient(invalid));
    t.equal(error.status, 422);
    t.equal(error.retryable, false);
    t.equal(statusesOf(emulator, `/Client/${id}`).length, 1, 'exactly one request reached Aidbox');
  });

  t.test('does not retry a merge patch of a missing Client', async (t) => {
    const { emulator, connection } = await setup(t);
    const id = portalClientId();
    const aidbox = createAidboxClient({ ...connection, retries: 3, retryDelayMs: 1 });
    const error = await failure(aidbox.patchClient(id, { active: false }));
    t.equal(error.status, 404);
    t.equal(statusesOf(emulator, `/Client/${id}`).length, 1);
  });

  t.test('turns a slow answer into a retryable timeout error', async (t) => {
    const { emulator, connection } = await setup(t);
    const id = portalClientId();
    emulator.setFaults({ latencyMs: 2_000 });
    const aidbox = createAidboxClient({ ...connection, timeoutMs: 100, retries: 0 });
    const error = await failure(aidbox.getClient(id));
    t.equal(error.code, 'timeout');
    t.equal(error.retryable, true);
    t.equal(error.status, undefined);
    t.equal(error.operation, `GET /Client/${id}`);
  });

  t.test('sends a merge patch as application/merge-patch+json', async (t) => {
    const { emulator, connection } = await setup(t);
    const id = portalClientId();
    const contentTypes: (string | null)[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      if (init?.method === 'PATCH') contentTypes.push(new Headers(init.headers).get('content-type'));
      return fetch(input, init);
    };
    const aidbox = createAidboxClient({ ...connection, fetch: recordingFetch });
    await aidbox.putClient(desired(id));
    const patched = await aidbox.patchClient(id, { active: false });
    t.equal(patched.active, false);
    t.same(contentTypes, ['application/merge-patch+json']);
    t.same(statusesOf(emulator, `/Client/${id}`), [201, 200]);
  });

  t.test('lands the mapped Client in Aidbox with its secret stored but never returned', async (t) => {
    const { emulator, connection } = await setup(t);
    const id = portalClientId();
    const aidbox = createAidboxClient(connection);
    const client = clientResource(
      {
        clientId: id,
        authMethod: 'client_secret',
        jwksUri: null,
        scopeVersion: 'v1',
        scopes: ['system/Patient.read'],
        organizationId: null,
      },
      { active: true, secret: 'pbx_cs_contract_secret' },
    );
    const { resource } = await aidbox.putClient(client);
    t.notMatch(JSON.stringify(resource), 'pbx_cs_contract_secret');
    t.notMatch(JSON.stringify(await aidbox.getClient(id)), 'pbx_cs_contract_secret');
    t.ok(emulator.resource('Client', id), 'the emulator holds the client');
  });
}
