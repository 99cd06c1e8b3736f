// What each SMART permission lets a provisioned client do, through the Client and AccessPolicy the mapping writes:
// exactly its interactions and nothing else. Runs against the emulator by default and against a real Aidbox when
// AIDBOX_CONTRACT_URL, AIDBOX_CONTRACT_CLIENT_ID and AIDBOX_CONTRACT_CLIENT_SECRET are set (helpers/target.ts),
// where it creates its own Patients through a `system/Patient.cruds` client and deletes them at the end.
import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import type { ServiceSpec } from '../src/index.ts';
import { type FhirCaller, provisionedService } from './helpers/service-client.ts';
import { contractTarget, type Target } from './helpers/target.ts';

const IDENTIFIER_SYSTEM = 'urn:payerbox:permissions-test';

/** The interactions checked, each as one request against a Patient of the test's own. */
const INTERACTIONS = [
  'read',
  'vread',
  'history-instance',
  'history-type',
  'search',
  'search-post',
  'create',
  'update',
  'patch',
  'conditional-update',
  'delete',
  'transaction',
] as const;
type Interaction = (typeof INTERACTIONS)[number];

interface Fixture {
  readonly id: string;
  readonly member: string;
  readonly firstVersion: string;
  /** A Patient that a successful delete may remove. */
  readonly disposable: string;
}

const patientOf = (member: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  identifier: [{ system: IDENTIFIER_SYSTEM, value: member }],
  ...extra,
});

/** Sends the request of one interaction against `fixture`; answers the status. */
async function attempt(caller: FhirCaller, interaction: Interaction, fixture: Fixture): Promise<number> {
  const { id, member, firstVersion, disposable } = fixture;
  const send = (method: string, path: string, body?: unknown, contentType?: string) =>
    caller.request(method, path, body, contentType).then((answer) => answer.status);
  switch (interaction) {
    case 'read':
      return send('GET', `/fhir/Patient/${id}`);
    case 'vread':
      return send('GET', `/fhir/Patient/${id}/_history/${firstVersion}`);
    case 'history-instance':
      return send('GET', `/fhir/Patient/${id}/_history`);
    case 'history-type':
      return send('GET', '/fhir/Patient/_history?_count=1');
    case 'search':
      return send('GET', `/fhir/Patient?_id=${id}`);
    case 'search-post':
      return send('POST', '/fhir/Patient/_search', new URLSearchParams({ _id: id }).toString());
    case 'create':
      return send('POST', '/fhir/Patient', patientOf(`${member}-created`));
    case 'update':
      return send('PUT', `/fhir/Patient/${id}`, patientOf(member, { gender: 'other' }));
    case 'patch':
      return send('PATCH', `/fhir/Patient/${id}`, { gender: 'female' }, 'application/merge-patch+json');
    case 'conditional-update':
      return send('PUT', `/fhir/Patient?identifier=${IDENTIFIER_SYSTEM}|${member}`, patientOf(member));
    case 'delete':
      return send('DELETE', `/fhir/Patient/${disposable}`);
    case 'transaction':
      return send('POST', '/fhir', { resourceType: 'Bundle', type: 'transaction', entry: [] });
    default:
      return interaction satisfies never;
  }
}

const target = await contractTarget(t);

if (typeof target === 'string') {
  t.test('what each permission allows', { skip: target }, () => undefined);
} else {
  t.comment(`permissions against ${target.description}`);
  // Writes the test Patients; allowed to create, update and delete them by its own mapped policy.
  const seeder = await provisionedService(t, target, ['system/Patient.cruds']);
  const created: string[] = [];
  t.teardown(async () => {
    for (const id of created) await seeder.request('DELETE', `/fhir/Patient/${id}`).catch(() => undefined);
  });

  const newPatient = async (member: string): Promise<{ id: string; versionId: string }> => {
    const answer = await seeder.request('POST', '/fhir/Patient', patientOf(member));
    if (answer.status !== 201) throw new Error(`seeding a Patient: ${answer.status} ${JSON.stringify(answer.body)}`);
    created.push(answer.body.id);
    return { id: answer.body.id, versionId: answer.body.meta.versionId };
  };

  /** A Patient with two versions, and a second one to delete. */
  const fixture = async (): Promise<Fixture> => {
    const member = `M-${randomBytes(6).toString('hex')}`;
    const { id, versionId } = await newPatient(member);
    await seeder.request('PUT', `/fhir/Patient/${id}`, patientOf(member, { gender: 'male' }));
    const disposable = await newPatient(`${member}-disposable`);
    return { id, member, firstVersion: versionId, disposable: disposable.id };
  };

  /** Checks that a service with `scopes` is allowed exactly `allowed` of the interactions and refused (403) the rest. */
  const allowsExactly = async (
    t: Test,
    target: Target,
    scopes: string[],
    allowed: readonly Interaction[],
    version: ServiceSpec['scopeVersion'] = 'v2',
  ) => {
    const caller = await provisionedService(t, target, scopes, version);
    const patients = await fixture();
    for (const interaction of INTERACTIONS) {
      const status = await attempt(caller, interaction, patients);
      if (allowed.includes(interaction)) t.ok(status >= 200 && status < 300, `${interaction} allowed: ${status}`);
      else t.equal(status, 403, `${interaction} refused`);
    }
  };

  const READ = ['read', 'vread', 'history-instance'] as const;
  const SEARCH = ['search', 'search-post', 'history-type'] as const;
  const UPDATE = ['update', 'patch'] as const;

  t.test('r allows read, vread and instance history, and nothing else', (t) =>
    allowsExactly(t, target, ['system/Patient.r'], READ),
  );
  t.test('s allows search, search by POST and type history, and nothing else', (t) =>
    allowsExactly(t, target, ['system/Patient.s'], SEARCH),
  );
  t.test('c allows create, and nothing else', (t) => allowsExactly(t, target, ['system/Patient.c'], ['create']));
  t.test('u allows update and patch, and nothing else', (t) => allowsExactly(t, target, ['system/Patient.u'], UPDATE));
  t.test('d allows delete, and nothing else', (t) => allowsExactly(t, target, ['system/Patient.d'], ['delete']));
  t.test('conditional update needs c, u and s together', async (t) => {
    await allowsExactly(t, target, ['system/Patient.cu'], ['create', ...UPDATE]);
    await allowsExactly(t, target, ['system/Patient.cus'], ['create', ...UPDATE, ...SEARCH, 'conditional-update']);
  });
  t.test('cruds allows every interaction but a transaction', (t) =>
    allowsExactly(
      t,
      target,
      ['system/Patient.cruds'],
      INTERACTIONS.filter((interaction) => interaction !== 'transaction'),
    ),
  );
  t.test('v1 read and write allow what rs and cud allow', async (t) => {
    await allowsExactly(t, target, ['system/Patient.read'], [...READ, ...SEARCH], 'v1');
    await allowsExactly(t, target, ['system/Patient.write'], ['create', ...UPDATE, 'delete'], 'v1');
  });
  t.test('a wildcard system/*.rs allows reading and searching Patient, and no write', (t) =>
    allowsExactly(t, target, ['system/*.rs'], [...READ, ...SEARCH]),
  );
  t.test('a wildcard system/*.cud allows writes but no conditional update', (t) =>
    allowsExactly(t, target, ['system/*.cud'], ['create', ...UPDATE, 'delete']),
  );

  t.test('a grant of one type reaches no other type, whatever the query string says', async (t) => {
    const caller = await provisionedService(t, target, ['system/Patient.rs']);
    const status = (path: string) => caller.request('GET', path).then((answer) => answer.status);
    t.equal(await status('/fhir/Patient?_count=1'), 200);
    t.equal(await status('/fhir/Observation?_count=1'), 403);
    t.equal(await status('/fhir/Observation?_count=1&resource%2Ftype=Patient'), 403, 'resource/type in the query');
    t.equal(await status('/fhir/Observation/_history?resource%2Ftype=Patient'), 403);
  });
}
