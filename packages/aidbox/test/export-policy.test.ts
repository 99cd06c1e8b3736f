// The bulk export part of the AccessPolicy the mapping writes: its exact shape per grant combination, its size, and
// what it lets through when Matcho evaluates it (the emulator's Matcho and Java regular expressions, as a policy sees
// a request: `request-method`, `uri` without the query string, the raw `query-string`, the decoded `params`, the
// stored client).
import { matchesPattern } from '@payerbox/aidbox-emulator/matcho';
import t from 'tap';
import { accessPolicyResource, clientResource, type ServiceSpec } from '../src/index.ts';

const CLIENT_ID = 'bs-0123456789abcdef0123456789abcdef';

const service = (scopes: string[], overrides: Partial<ServiceSpec> = {}): ServiceSpec => ({
  clientId: CLIENT_ID,
  authMethod: 'client_secret',
  jwksUri: null,
  scopeVersion: 'v2',
  scopes,
  organizationId: null,
  ...overrides,
});

type Alternative = Record<string, unknown>;

function alternativesOf(spec: ServiceSpec): Alternative[] {
  return (accessPolicyResource(spec).matcho as { '$one-of': Alternative[] })['$one-of'];
}

/** The alternatives that mention an export path. */
function exportAlternatives(spec: ServiceSpec): Alternative[] {
  return alternativesOf(spec).filter((alt) => String(alt.uri).includes('$export'));
}

const ROOT_CLIENT = { id: CLIENT_ID, active: true };
const COMMON = '(?:_type|_since|_until|_outputFormat)';
const PATIENT_LEVEL = '(?:_type|_since|_until|_outputFormat|patient)';
const query = (names: string) => `#^(?!(?:.*&)?_type=.*&_type=)${names}=[^&;]*(?:&${names}=[^&;]*)*$`;

/**
 * The export alternatives on `base` (a regular expression), with `types` the `_type` condition or none (wildcard),
 * and for a bound client its `organization` in `params`.
 */
function expectedAlternatives(client: unknown, base: string, types?: string, organization?: string): Alternative[] {
  const org = organization === undefined ? {} : { 'organization/id': organization };
  const orgParams = organization === undefined ? {} : { params: org };
  const params = types === undefined ? orgParams : { params: { ...org, _type: types } };
  const kickOff = (path: string, names: string) => ({
    client,
    'request-method': 'get',
    uri: `#^${base}${path}$`,
    ...params,
    'query-string': query(names),
  });
  const bare =
    types === undefined
      ? [
          {
            client,
            'request-method': 'get',
            uri: `#^${base}/(Patient/|Group/[A-Za-z0-9\\-.]{1,64}/)?\\$export$`,
            ...orgParams,
            'query-string': 'nil?',
          },
        ]
      : [];
  return [
    kickOff('/\\$export', COMMON),
    kickOff('/Patient/\\$export', PATIENT_LEVEL),
    kickOff('/Group/[A-Za-z0-9\\-.]{1,64}/\\$export', COMMON),
    ...bare,
    {
      client,
      'request-method': { $enum: ['get', 'delete'] },
      uri: `#^${base}/\\$export-status/[^/]+$`,
      ...orgParams,
    },
  ];
}

/**
 * The request object of `method url` as a policy sees it (aidbox-docs docs/access-control/authorization/
 * access-policies.md): `uri` is the path, `query-string` the raw query (absent without one), `params` the decoded
 * query with repeated names as lists, over the organization of an organization base (the query wins, as in the
 * emulator: the worst case).
 */
function request(method: string, url: string, client: unknown = ROOT_CLIENT): Record<string, unknown> {
  const question = url.indexOf('?');
  const uri = question < 0 ? url : url.slice(0, question);
  const queryString = question < 0 ? undefined : url.slice(question + 1);
  const search = new URLSearchParams(queryString ?? '');
  const organization = /^\/Organization\/([^/]+)\/fhir\//.exec(uri)?.[1];
  const params: Record<string, string | string[]> = organization ? { 'organization/id': organization } : {};
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name);
    params[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return {
    'request-method': method.toLowerCase(),
    uri,
    ...(queryString !== undefined && { 'query-string': queryString }),
    params,
    client,
  };
}

/** Whether the policy of `spec` lets `method url` through, for the stored client of `spec`. */
function allows(spec: ServiceSpec, method: string, url: string): boolean {
  const { secret: _secret, ...client } = clientResource(spec, { active: true, secret: 'pbx_cs_test' });
  return matchesPattern(accessPolicyResource(spec).matcho, request(method, url, client));
}

const patientAndCoverage = service(['system/Patient.rs', 'system/Coverage.rs']);
const TWO_TYPES = '#^(Coverage|Patient)(,(Coverage|Patient))*\\z';

t.test('gives no export alternative to a client that cannot both read and search some type', async (t) => {
  for (const scopes of [
    ['system/Patient.r'],
    ['system/Patient.s'],
    ['system/Patient.cud'],
    ['system/Patient.r', 'system/Observation.s'],
    ['system/*.r', 'system/Patient.s'],
    ['system/*.cud'],
  ]) {
    t.same(exportAlternatives(service(scopes)), [], scopes.join(' '));
  }
  t.same(exportAlternatives(service(['system/Patient.write'], { scopeVersion: 'v1' })), [], 'v1 write');
});

t.test('refuses every export request to a client without an rs grant', async (t) => {
  const readOnly = service(['system/Patient.r', 'system/Coverage.s']);
  for (const [method, url] of [
    ['GET', '/fhir/$export?_type=Patient'],
    ['GET', '/fhir/Patient/$export?_type=Patient'],
    ['GET', '/fhir/$export-status/job-1'],
    ['DELETE', '/fhir/$export-status/job-1'],
  ] as const) {
    t.notOk(allows(readOnly, method, url), `${method} ${url}`);
  }
});

t.test('lets a v2 client export the types it holds rs on, requiring _type to list only those', async (t) => {
  t.same(exportAlternatives(patientAndCoverage), expectedAlternatives(ROOT_CLIENT, '/fhir', TWO_TYPES));
});

t.test('leaves out of _type the types the client may read or search but not both', async (t) => {
  const spec = service(['system/Patient.rs', 'system/Observation.r', 'system/Claim.s', 'system/Coverage.cruds']);
  t.same(exportAlternatives(spec), expectedAlternatives(ROOT_CLIENT, '/fhir', TWO_TYPES));
});

t.test('counts read and search given in separate scopes of one type, as the domain rule does', async (t) => {
  const spec = service(['system/Patient.r', 'system/Patient.s']);
  t.same(exportAlternatives(spec), expectedAlternatives(ROOT_CLIENT, '/fhir', '#^(Patient)(,(Patient))*\\z'));
});

t.test('puts no condition on _type for a wildcard read grant, v1 or v2, beside specific grants or not', async (t) => {
  const everything = expectedAlternatives(ROOT_CLIENT, '/fhir');
  t.same(exportAlternatives(service(['system/*.read'], { scopeVersion: 'v1' })), everything, 'v1 system/*.read');
  t.same(exportAlternatives(service(['system/*.rs'])), everything, 'v2 system/*.rs');
  t.same(exportAlternatives(service(['system/*.rs', 'system/Patient.rs'])), everything, 'beside a specific grant');
});

t.test('puts the export alternatives after the interactions, leaving those unchanged', async (t) => {
  const all = alternativesOf(patientAndCoverage);
  const exports = exportAlternatives(patientAndCoverage);
  t.same(all.slice(-exports.length), exports);
  t.notOk(
    all.slice(0, -exports.length).some((alt) => String(alt.uri).includes('\\$')),
    'no other alternative names a $ operation (a literal \\$ in its path)',
  );
});

t.test("anchors a bound client's export alternatives on its organization's base, escaped", async (t) => {
  const bound = service(['system/Patient.rs'], { organizationId: 'acme.east-1' });
  const [first] = alternativesOf(bound);
  t.same(
    exportAlternatives(bound),
    expectedAlternatives(
      first?.client,
      '/Organization/acme\\.east\\-1/fhir',
      '#^(Patient)(,(Patient))*\\z',
      'acme.east-1',
    ),
  );
});

t.test('keeps the policy of a client of many types small: the export adds a few kilobytes at most', async (t) => {
  const types = ['Patient', 'Coverage', 'ExplanationOfBenefit', 'Claim', 'ClaimResponse', 'Observation', 'Encounter'];
  const many = [...types, 'Condition', 'Procedure', 'MedicationRequest', 'Practitioner', 'Organization', 'Location'];
  const spec = service(many.map((type) => `system/${type}.rs`));
  const policy = JSON.stringify(accessPolicyResource(spec)).length;
  const exportPart = JSON.stringify(exportAlternatives(spec)).length;
  t.ok(exportPart < 3_000, `the export alternatives of 13 types take ${exportPart} bytes`);
  t.ok(exportPart < policy / 2, `less than half the policy (${policy} bytes)`);
});

t.test('allows each export level, status and cancel for the types the client may export', async (t) => {
  for (const [method, url] of [
    ['GET', '/fhir/$export?_type=Patient'],
    ['GET', '/fhir/$export?_type=Coverage,Patient'],
    ['GET', '/fhir/$export?_type=Patient%2CCoverage'],
    ['GET', '/fhir/$export?_type=Patient&_since=2025-01-01T00:00:00Z&_outputFormat=application%2Ffhir%2Bndjson'],
    ['GET', '/fhir/$export?_outputFormat=ndjson&_until=2026-01-01T00%3A00%3A00Z&_type=Coverage'],
    ['GET', '/fhir/Patient/$export?_type=Coverage&patient=test-pt-1,test-pt-2'],
    ['GET', '/fhir/Group/group-all-members/$export?_type=Patient,Coverage'],
    ['GET', '/fhir/$export-status/0b9c0f6e-4a8e-4f7e-9b1e-2f4f5d6a7b8c'],
    ['DELETE', '/fhir/$export-status/0b9c0f6e-4a8e-4f7e-9b1e-2f4f5d6a7b8c'],
  ] as const) {
    t.ok(allows(patientAndCoverage, method, url), `${method} ${url}`);
  }
});

t.test('refuses a kick-off whose _type is missing, empty or names a type the client may not export', async (t) => {
  for (const url of [
    '/fhir/$export',
    '/fhir/$export?',
    '/fhir/$export?_since=2025-01-01T00:00:00Z',
    '/fhir/$export?_type=',
    '/fhir/$export?_type=Observation',
    '/fhir/$export?_type=Patient,Observation',
    '/fhir/$export?_type=Patient%2CObservation',
    '/fhir/$export?_type=Patient,',
    '/fhir/$export?_type=Patient,,Coverage',
    '/fhir/$export?_type=Patient%20',
    '/fhir/$export?_type=Patient.',
    '/fhir/$export?_type=Patient%0A',
    '/fhir/$export?_type=Patient%0AObservation',
    '/fhir/$export?_type=PatientX',
    '/fhir/$export?_type=patient',
    '/fhir/Patient/$export?_type=Observation',
    '/fhir/Group/group-all-members/$export',
  ]) {
    t.notOk(allows(patientAndCoverage, 'GET', url), url);
  }
});

t.test('refuses storage overrides and any parameter outside the contract, however spelled', async (t) => {
  for (const url of [
    '/fhir/$export?_type=Patient&_aidbox.storageBucket=x',
    '/fhir/$export?_aidbox.storageBucket=x&_type=Patient',
    '/fhir/$export?_type=Patient&_aidbox.storageAccount=AwsAccount%2Fother',
    '/fhir/$export?_type=Patient&_aidbox.storageProvider=gcp',
    '/fhir/$export?_type=Patient&_AIDBOX.storageProvider=gcp',
    '/fhir/$export?_type=Patient&%5Faidbox.storageBucket=x',
    '/fhir/$export?_type=Patient&%5F%61idbox.storageBucket=x',
    '/fhir/$export?_type=Patient;_aidbox.storageBucket=x',
    '/fhir/$export?_type=Patient&_since=2025;_aidbox.storageBucket=x',
    '/fhir/$export?_type=Patient&_type=Observation',
    '/fhir/$export?_type=Patient&_type=Patient',
    '/fhir/$export?_type=Patient&%5Ftype=Observation',
    '/fhir/$export?_type=Patient&_typeFilter=Patient%3Factive%3Dtrue',
    '/fhir/$export?_type=Patient&_elements=id',
    '/fhir/$export?_type=Patient&patient=test-pt-1',
    '/fhir/$export?_type=Patient&',
    '/fhir/$export?_type=Patient&&_since=2025',
    '/fhir/Group/group-all-members/$export?_type=Patient&_aidbox.azureContainer=x',
    '/fhir/Group/group-all-members/$export?_type=Patient&patient=test-pt-1',
    '/fhir/Patient/$export?_type=Patient&_aidbox.storageBucket=x',
  ]) {
    t.notOk(allows(patientAndCoverage, 'GET', url), url);
  }
  const wildcard = service(['system/*.rs']);
  for (const url of [
    '/fhir/$export?_aidbox.storageBucket=x',
    '/fhir/$export?%5Faidbox.storageBucket=x',
    '/fhir/Patient/$export?_aidbox.storageBucket=x',
    '/fhir/Group/group-all-members/$export?_outputFormat=ndjson&_aidbox.storageBucket=x',
  ]) {
    t.notOk(allows(wildcard, 'GET', url), `not even with every type: ${url}`);
  }
});

t.test('refuses the override even where the policy could not see the query string (fail closed)', async (t) => {
  // Should Aidbox's request object lack `query-string` where the docs show it, the list of allowed parameters
  // matches nothing: a narrow client's kick-off is refused rather than let through with an override.
  const { secret: _secret, ...client } = clientResource(patientAndCoverage, { active: true, secret: 'x' });
  const withoutQueryString = {
    'request-method': 'get',
    uri: '/fhir/$export',
    params: { _type: 'Patient', '_aidbox.storageBucket': 'x' },
    client,
  };
  t.notOk(matchesPattern(accessPolicyResource(patientAndCoverage).matcho, withoutQueryString));
});

t.test('refuses a POST kick-off, other methods and paths that only resemble the export ones', async (t) => {
  for (const [method, url] of [
    ['POST', '/fhir/Patient/$export?_type=Patient'],
    ['POST', '/fhir/Group/group-all-members/$export?_type=Patient'],
    ['POST', '/fhir/$export?_type=Patient'],
    ['DELETE', '/fhir/$export?_type=Patient'],
    ['PUT', '/fhir/$export-status/job-1'],
    ['POST', '/fhir/$export-status/job-1'],
    ['GET', '/fhir/Observation/$export?_type=Patient'],
    ['GET', '/fhir/$exportx?_type=Patient'],
    ['GET', '/fhir/$export/x?_type=Patient'],
    ['GET', '/fhir/Group/a/b/$export?_type=Patient'],
    ['GET', '/fhir/Group//$export?_type=Patient'],
    ['GET', '/fhir/$export-status/'],
    ['GET', '/fhir/$export-status/job-1/x'],
    ['GET', '/x/fhir/$export?_type=Patient'],
    ['GET', '/fhir/$import?_type=Patient'],
    ['GET', '/Organization/org-east/fhir/$export?_type=Patient'],
  ] as const) {
    t.notOk(allows(patientAndCoverage, method, url), `${method} ${url}`);
  }
  for (const url of ['/fhir/$export', '/fhir/Patient/$export', '/fhir/Group/group-all-members/$export']) {
    t.notOk(allows(service(['system/*.rs']), 'POST', url), `POST ${url} with every type`);
  }
});

t.test('lets a wildcard client export with or without _type, and any type', async (t) => {
  for (const spec of [service(['system/*.rs']), service(['system/*.read'], { scopeVersion: 'v1' })]) {
    t.ok(allows(spec, 'GET', '/fhir/$export'), 'no query string at all');
    t.ok(allows(spec, 'GET', '/fhir/Patient/$export'), 'patient level, no query string');
    t.ok(allows(spec, 'GET', '/fhir/Group/group-east-members/$export'), 'group level, no query string');
    t.ok(allows(spec, 'GET', '/fhir/$export?_since=2025-01-01T00:00:00Z'));
    t.ok(allows(spec, 'GET', '/fhir/$export?_type=Observation,Encounter,Claim'));
    t.ok(allows(spec, 'GET', '/fhir/Group/group-east-members/$export?_type=Observation,Encounter'));
    t.notOk(allows(spec, 'GET', '/fhir/Observation/$export'), 'no other type level');
  }
});

t.test('lets no other client and no deactivated client through the export alternatives', async (t) => {
  const policy = accessPolicyResource(patientAndCoverage).matcho;
  const url = '/fhir/$export?_type=Patient';
  t.ok(matchesPattern(policy, request('GET', url)));
  t.notOk(matchesPattern(policy, request('GET', url, { id: 'bs-ffffffffffffffffffffffffffffffff', active: true })));
  t.notOk(matchesPattern(policy, request('GET', url, { id: CLIENT_ID, active: false })));
  t.notOk(matchesPattern(policy, request('GET', '/fhir/$export-status/job-1', { id: CLIENT_ID, active: false })));
  t.notOk(
    matchesPattern(policy, request('GET', '/fhir/$export-status/job-1', { id: 'bs-ffffffffffffffffffffffffffffffff' })),
  );
});

t.test('lets a bound client export only through its own organization base', async (t) => {
  const bound = service(['system/Patient.rs'], { organizationId: 'acme.east-1' });
  const base = '/Organization/acme.east-1/fhir';
  t.ok(allows(bound, 'GET', `${base}/$export?_type=Patient`));
  t.ok(allows(bound, 'GET', `${base}/Patient/$export?_type=Patient`));
  t.ok(allows(bound, 'GET', `${base}/Group/group-east-members/$export?_type=Patient`));
  t.ok(allows(bound, 'GET', `${base}/$export-status/job-1`));
  t.ok(allows(bound, 'DELETE', `${base}/$export-status/job-1`));
  for (const url of [
    '/fhir/$export?_type=Patient',
    '/fhir/$export-status/job-1',
    '/Organization/acmeXeast-1/fhir/$export?_type=Patient',
    '/Organization/acme.east-10/fhir/$export?_type=Patient',
    '/Organization/other/fhir/$export?_type=Patient',
    '/Organization/other/fhir/$export-status/job-1',
    '/Organization/other/fhir/$export?_type=Patient&organization%2Fid=acme.east-1',
    `${base}/$export?_type=Observation`,
    `${base}/$export`,
    `${base}/$export?_type=Patient&_aidbox.storageBucket=x`,
  ]) {
    t.notOk(allows(bound, 'GET', url), url);
  }
  const { secret: _secret, ...unbound } = clientResource(service(['system/Patient.rs']), {
    active: true,
    secret: 'x',
  });
  t.notOk(
    matchesPattern(accessPolicyResource(bound).matcho, request('GET', `${base}/$export?_type=Patient`, unbound)),
    'a client without the binding',
  );
});

t.test('lets a bound wildcard client kick off without a query string on its own base only', async (t) => {
  const bound = service(['system/*.read'], { scopeVersion: 'v1', organizationId: 'acme' });
  t.ok(allows(bound, 'GET', '/Organization/acme/fhir/$export'));
  t.notOk(allows(bound, 'GET', '/fhir/$export'));
  t.notOk(allows(bound, 'GET', '/Organization/other/fhir/$export'));
});
