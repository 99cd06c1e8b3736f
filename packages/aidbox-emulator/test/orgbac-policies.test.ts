// What AccessPolicies of organization-bound clients may rely on, where Aidbox's documentation leaves it open and the
// emulator takes the worst case: a query parameter named like a route parameter wins in `params`, and writes on an
// organization base run under operation ids nobody would guess. Also: without OrgBAC there are no organization bases.
import t from 'tap';
import { loadEmulatorConfig } from '../src/env-config.ts';
import { ADMIN, basic, call, startEmulator } from './emulator-fixture.ts';
import { ORG_READ_SEARCH, orgBoundClient, startOrgbacEmulator, TENANT } from './orgbac-fixture.ts';

t.test(
  'a bound client is refused when a query parameter names its organization on the root base or on another base',
  async (t) => {
    const aidbox = await startOrgbacEmulator(t);
    const token = await orgBoundClient(aidbox, 'org-acme-health', {
      operations: ['FhirRead', 'FhirSearch', ...ORG_READ_SEARCH],
    });
    t.equal((await aidbox.fhir('GET', '/Patient?organization%2Fid=org-acme-health', token)).status, 403, 'root base');
    t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1?organization%2Fid=org-acme-health', token)).status, 403);
    const elsewhere = await aidbox.orgFhir(
      'org-beacon-mutual',
      'GET',
      '/Patient?organization%2Fid=org-acme-health',
      token,
    );
    t.equal(elsewhere.status, 403, 'another organization base');
    t.match(elsewhere.body.issue[0].diagnostics, /AccessPolicy/);
    const own = await aidbox.orgFhir('org-acme-health', 'GET', '/Patient?organization%2Fid=org-beacon-mutual', token);
    t.equal(own.status, 403, 'its own base with another organization in the query fails closed');
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient', token)).status, 200, 'its own base');
  },
);

t.test(
  'a query parameter wins over the route parameter of the same name, so a policy on params alone is fooled',
  async (t) => {
    const aidbox = await startOrgbacEmulator(t);
    // The hierarchical access control how-to's form: the binding compared with .params.organization/id, no uri.
    const docsForm = await orgBoundClient(aidbox, 'org-acme-health', {
      matcho: {
        operation: { id: { $enum: ORG_READ_SEARCH } },
        client: {
          meta: {
            extension: { $contains: { url: TENANT, value: { Reference: { id: '.params.organization/id' } } } },
          },
        },
      },
    });
    t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Patient', docsForm)).status, 403, 'without a query');
    const fooled = await aidbox.orgFhir(
      'org-beacon-mutual',
      'GET',
      '/Patient?organization%2Fid=org-acme-health',
      docsForm,
    );
    t.equal(fooled.status, 200, "the query's organization/id is the one the policy sees");

    const typed = await aidbox.secretClient(['system/*.rs'], { policy: false });
    await aidbox.putPolicy(`${typed.id}-policy`, {
      engine: 'matcho',
      link: [{ resourceType: 'Client', id: typed.id }],
      matcho: { client: { id: typed.id }, params: { 'resource/type': 'Patient' } },
    });
    const typedToken = await typed.accessToken();
    t.equal((await aidbox.fhir('GET', '/Coverage', typedToken)).status, 403, 'the route type alone');
    t.equal((await aidbox.fhir('GET', '/Coverage?resource%2Ftype=Patient', typedToken)).status, 200, 'resource/type');
    t.equal(
      (await aidbox.fhir('GET', '/Coverage/cov-test-pt-1?resource%2Fid=x&resource%2Ftype=Patient', typedToken)).status,
      200,
      'resource/id and resource/type of a read',
    );
  },
);

t.test(
  'writes on an organization base run under undocumented operation ids: guessed ids are refused, method and path work',
  async (t) => {
    const aidbox = await startOrgbacEmulator(t);
    const scope = ['system/Patient.cruds'];
    const guessed = await orgBoundClient(aidbox, 'org-acme-health', {
      scope,
      operations: ['orgbac-fhir-create', 'orgbac-fhir-update', 'orgbac-fhir-patch', 'orgbac-fhir-delete'],
    });
    const patient = { resourceType: 'Patient' };
    t.equal((await aidbox.orgFhir('org-acme-health', 'POST', '/Patient', guessed, patient)).status, 403);
    t.equal((await aidbox.orgFhir('org-acme-health', 'PUT', '/Patient/test-pt-1', guessed, patient)).status, 403);
    t.equal((await aidbox.orgFhir('org-acme-health', 'DELETE', '/Patient/test-pt-1', guessed)).status, 403);

    const byMethod = await orgBoundClient(aidbox, 'org-acme-health', {
      scope,
      matcho: {
        client: { meta: { extension: { $contains: { url: TENANT } } } },
        'request-method': { $enum: ['post', 'put', 'patch', 'delete'] },
        uri: '#^/Organization/org\\-acme\\-health/fhir/Patient(/[A-Za-z0-9\\-.]{1,64})?$',
        params: { 'organization/id': 'org-acme-health' },
      },
    });
    const created = await aidbox.orgFhir('org-acme-health', 'POST', '/Patient', byMethod, patient);
    t.equal(created.status, 201);
    const path = `/Patient/${created.body.id}`;
    t.equal((await aidbox.orgFhir('org-acme-health', 'PUT', path, byMethod, { gender: 'other' })).status, 200);
    t.equal((await aidbox.orgFhir('org-acme-health', 'PATCH', path, byMethod, { gender: 'female' })).status, 200);
    t.equal((await aidbox.orgFhir('org-acme-health', 'DELETE', path, byMethod)).status, 200);
    t.equal((await aidbox.orgFhir('org-beacon-mutual', 'POST', '/Patient', byMethod, patient)).status, 403);
  },
);

t.test('the operation ids of organization-base writes can be set to what a real Aidbox uses', async (t) => {
  const aidbox = await startOrgbacEmulator(t, {
    orgbacWriteOperations: { create: 'orgbac-fhir-create', delete: 'orgbac-fhir-delete' },
  });
  const token = await orgBoundClient(aidbox, 'org-acme-health', {
    scope: ['system/Patient.cud'],
    operations: ['orgbac-fhir-create', 'orgbac-fhir-update', 'orgbac-fhir-delete'],
  });
  const created = await aidbox.orgFhir('org-acme-health', 'POST', '/Patient', token, { resourceType: 'Patient' });
  t.equal(created.status, 201);
  const path = `/Patient/${created.body.id}`;
  t.equal((await aidbox.orgFhir('org-acme-health', 'PUT', path, token, { gender: 'other' })).status, 403, 'default');
  t.equal((await aidbox.orgFhir('org-acme-health', 'DELETE', path, token)).status, 200);
});

t.test('without OrgBAC there are no organization bases: every path under one answers 404', async (t) => {
  const aidbox = await startEmulator(t);
  const client = await aidbox.secretClient(['system/*.rs']);
  const token = await client.accessToken();
  for (const [path, auth] of [
    ['/Patient/test-pt-1', token],
    ['/Patient', token],
    ['/Patient', 'admin'],
    ['/metadata', undefined],
    ['/.well-known/smart-configuration', undefined],
  ] as const) {
    const answer = await aidbox.orgFhir('org-acme-health', 'GET', path, auth);
    t.equal(answer.status, 404, path);
    t.match(answer.body, { resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] }, path);
  }
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-4', token)).status, 200, 'the root base serves everything');
});

t.test(
  'without OrgBAC the sample data is bound to no organization, and its organizations are plain data',
  async (t) => {
    const aidbox = await startEmulator(t);
    for (const [type, id] of [
      ['Patient', 'test-pt-1'],
      ['Coverage', 'cov-test-pt-3'],
      ['Organization', 'org-acme-health-east'],
    ] as const) {
      const resource = aidbox.emulator.resource(type, id);
      t.ok(resource, `${type}/${id} is there`);
      t.notOk(JSON.stringify(resource).includes(TENANT), `${type}/${id} has no tenant binding`);
    }
    t.match(aidbox.emulator.resource('Organization', 'org-acme-health-east'), {
      partOf: { reference: 'Organization/org-acme-health' },
    });
    const organizations = await call(`${aidbox.url}/Organization`, {
      headers: { authorization: basic(ADMIN.id, ADMIN.secret) },
    });
    t.equal(organizations.body.total, 3);
    const bound = await startOrgbacEmulator(t);
    t.match(bound.emulator.resource('Patient', 'test-pt-1'), { meta: { extension: [{ url: TENANT }] } }, 'with OrgBAC');
  },
);

t.test('reads OrgBAC and the organization write operation ids from the environment', async (t) => {
  const base = { EMULATOR_ADMIN_CLIENT_SECRET: 'secret' };
  t.match(loadEmulatorConfig(base), { orgbac: false });
  t.notOk('orgbacWriteOperations' in loadEmulatorConfig(base));
  t.match(
    loadEmulatorConfig({
      ...base,
      EMULATOR_ORGBAC: 'true',
      EMULATOR_ORGBAC_WRITE_OPERATIONS: 'create=orgbac-fhir-create, delete = orgbac-fhir-delete',
    }),
    { orgbac: true, orgbacWriteOperations: { create: 'orgbac-fhir-create', delete: 'orgbac-fhir-delete' } },
  );
  t.throws(() => loadEmulatorConfig({ ...base, EMULATOR_ORGBAC: 'yes' }), /EMULATOR_ORGBAC: must be true or false/);
  t.throws(
    () => loadEmulatorConfig({ ...base, EMULATOR_ORGBAC_WRITE_OPERATIONS: 'read=x' }),
    /EMULATOR_ORGBAC_WRITE_OPERATIONS/,
  );
});
