// Organization-based hierarchical access control: organization FHIR bases, the compartment of each organization,
// and AccessPolicies that bind a client to its organization. Seed tree: org-acme-health (test-pt-1, test-pt-2) with
// child org-acme-health-east (test-pt-3); org-beacon-mutual (test-pt-4, test-pt-5).
import t from 'tap';
import { matchesPattern } from '../src/matcho.ts';
import { ADMIN, basic, call } from './emulator-fixture.ts';
import {
  bindingOf,
  ids,
  MODE,
  ORG_READ_SEARCH,
  orgBoundClient,
  startOrgbacEmulator,
  TENANT,
} from './orgbac-fixture.ts';

t.test('a client bound to an organization reads its own and its child organization patients', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await orgBoundClient(aidbox, 'org-acme-health');
  const own = await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-1', token);
  t.equal(own.status, 200);
  t.equal(own.body.id, 'test-pt-1');
  t.equal(bindingOf(own.body), 'Organization/org-acme-health');
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-3', token)).status, 200, 'child');
  const search = await aidbox.orgFhir('org-acme-health', 'GET', '/Patient', token);
  t.equal(search.status, 200);
  t.same(ids(search), ['test-pt-1', 'test-pt-2', 'test-pt-3']);
});

t.test('the bound client gets 403 through another organization base, because its policy names its own', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await orgBoundClient(aidbox, 'org-acme-health');
  const other = await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Patient/test-pt-4', token);
  t.equal(other.status, 403);
  t.match(other.body, { resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
  t.match(other.body.issue[0].diagnostics, /AccessPolicy/);
  t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Patient', token)).status, 403, 'search too');
});

t.test('the bound client gets 403 for another organization patient through its own base (OrgBAC)', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await orgBoundClient(aidbox, 'org-acme-health');
  const answer = await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-4', token);
  t.equal(answer.status, 403);
  t.match(answer.body, { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'forbidden' }] });
  t.match(answer.body.issue[0].diagnostics, /Organization\/org-acme-health/);
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/nobody', token)).status, 404, 'no such id');
});

t.test('the bound client gets 403 on the root /fhir base, which its policy does not name', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await orgBoundClient(aidbox, 'org-acme-health', {
    operations: ['FhirRead', 'FhirSearch', ...ORG_READ_SEARCH],
  });
  t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', token)).status, 403);
  t.equal((await aidbox.fhir('GET', '/Patient', token)).status, 403);
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-1', token)).status, 200);
});

t.test(
  'organization-base requests run as orgbac-fhir-* operations, so a policy naming only FhirRead and FhirSearch does not allow them',
  async (t) => {
    const aidbox = await startOrgbacEmulator(t);
    const camel = await orgBoundClient(aidbox, 'org-acme-health', { operations: ['FhirRead', 'FhirSearch'] });
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-1', camel)).status, 403);
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient', camel)).status, 403);
    const both = await orgBoundClient(aidbox, 'org-acme-health', {
      operations: ['FhirRead', 'FhirSearch', 'orgbac-fhir-read', 'orgbac-fhir-search'],
    });
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-1', both)).status, 200);
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient', both)).status, 200);
  },
);

t.test('a client bound to the child organization cannot read the parent organization patients', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await orgBoundClient(aidbox, 'org-acme-health-east');
  t.equal((await aidbox.orgFhir('org-acme-health-east', 'GET', '/Patient/test-pt-3', token)).status, 200);
  t.equal((await aidbox.orgFhir('org-acme-health-east', 'GET', '/Patient/test-pt-1', token)).status, 403, 'OrgBAC');
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-1', token)).status, 403, 'policy');
  t.same(ids(await aidbox.orgFhir('org-acme-health-east', 'GET', '/Patient', token)), ['test-pt-3']);
});

t.test('a wildcard alternative without resource/type allows every type the scopes allow', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await orgBoundClient(aidbox, 'org-beacon-mutual', { scope: ['system/*.rs'], types: [undefined] });
  for (const path of ['/Patient/test-pt-4', '/Coverage/cov-test-pt-5', '/ExplanationOfBenefit/eob-test-pt-4-1']) {
    t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', path, token)).status, 200, path);
  }
  t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Coverage/cov-test-pt-1', token)).status, 403);
});

t.test('scopes still limit an organization-bound client on its own base', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await orgBoundClient(aidbox, 'org-acme-health', { types: [undefined], type: 'smart-app' });
  const answer = await aidbox.orgFhir('org-acme-health', 'GET', '/Coverage/cov-test-pt-1', token);
  t.equal(answer.status, 403);
  t.match(answer.body.issue[0].diagnostics, /scope/);
});

t.test(
  'a policy can compare the client binding with .params.organization/id (the docs recommended form)',
  async (t) => {
    const aidbox = await startOrgbacEmulator(t);
    const token = await orgBoundClient(aidbox, 'org-acme-health', {
      matcho: {
        params: { 'resource/type': 'Patient' },
        operation: { id: { $enum: ORG_READ_SEARCH } },
        client: {
          meta: {
            extension: { $contains: { url: TENANT, value: { Reference: { id: '.params.organization/id' } } } },
          },
        },
      },
    });
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-3', token)).status, 200);
    t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Patient/test-pt-4', token)).status, 403);
    t.equal(
      (await aidbox.orgFhir('org-acme-health-east', 'GET', '/Patient/test-pt-3', token)).status,
      403,
      'child base',
    );
    const root = await orgBoundClient(aidbox, 'org-acme-health', {
      matcho: {
        client: { meta: { extension: { $contains: { value: { Reference: { id: '.params.organization/id' } } } } } },
      },
    });
    t.equal((await aidbox.fhir('GET', '/Patient/test-pt-1', root)).status, 403, 'a path to nothing matches nothing');
  },
);

t.test('an existing client on the root /fhir base works exactly as before', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await (await aidbox.secretClient(['system/*.rs'])).accessToken();
  for (const id of ['test-pt-1', 'test-pt-3', 'test-pt-4']) {
    t.equal((await aidbox.fhir('GET', `/Patient/${id}`, token)).status, 200, id);
  }
  const all = await aidbox.fhir('GET', '/Patient', token);
  t.equal(all.body.total, 5);
  t.match(all.body.entry[0].fullUrl, new RegExp(`^${aidbox.url}/fhir/Patient/`));
  const adminOnRoot = await call(`${aidbox.url}/fhir/Patient/test-pt-1`, {
    headers: { authorization: basic(ADMIN.id, ADMIN.secret) },
  });
  t.equal(adminOnRoot.status, 401, 'Basic is still not accepted on /fhir');
});

t.test(
  'a root client whose policy ignores the organization may use any organization base, within its compartment',
  async (t) => {
    const aidbox = await startOrgbacEmulator(t);
    const token = await (await aidbox.secretClient(['system/*.rs'])).accessToken();
    t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Patient/test-pt-4', token)).status, 200);
    t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Patient/test-pt-1', token)).status, 403);
  },
);

t.test(
  'hierarchy: the parent sees the children data, a child not the parent data, siblings not each other',
  async (t) => {
    const aidbox = await startOrgbacEmulator(t);
    const writer = await (await aidbox.secretClient(['system/*.cruds'])).accessToken();
    const west = await aidbox.fhir('PUT', '/Organization/org-acme-health-west', writer, {
      resourceType: 'Organization',
      name: 'Acme Health Plan West',
      partOf: { reference: 'Organization/org-acme-health' },
    });
    t.equal(west.status, 201);
    const created = await aidbox.orgFhir('org-acme-health-west', 'POST', '/Patient', 'admin', {
      resourceType: 'Patient',
      name: [{ family: 'West' }],
    });
    t.equal(created.status, 201);
    const westPatient = `/Patient/${created.body.id}`;
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', westPatient, 'admin')).status, 200, 'parent sees child');
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-3', 'admin')).status, 200);
    t.equal((await aidbox.orgFhir('org-acme-health-west', 'GET', '/Patient/test-pt-1', 'admin')).status, 403, 'child');
    t.equal(
      (await aidbox.orgFhir('org-acme-health-west', 'GET', '/Patient/test-pt-3', 'admin')).status,
      403,
      'sibling',
    );
    t.equal((await aidbox.orgFhir('org-acme-health-east', 'GET', westPatient, 'admin')).status, 403, 'sibling');
    t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', westPatient, 'admin')).status, 403, 'other tree');
    const grandchild = await aidbox.fhir('PUT', '/Organization/org-acme-health-west-2', writer, {
      resourceType: 'Organization',
      partOf: { reference: 'Organization/org-acme-health-west' },
    });
    t.equal(grandchild.status, 201);
    const deep = await aidbox.orgFhir('org-acme-health-west-2', 'POST', '/Patient', 'admin', {
      resourceType: 'Patient',
    });
    t.equal((await aidbox.orgFhir('org-acme-health', 'GET', `/Patient/${deep.body.id}`, 'admin')).status, 200);
    t.same(
      ids(await aidbox.orgFhir('org-acme-health', 'GET', '/Patient', 'admin')),
      [created.body.id, deep.body.id, 'test-pt-1', 'test-pt-2', 'test-pt-3'].sort(),
    );
  },
);

t.test('search through an organization base returns and counts only its compartment', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const page = await aidbox.orgFhir('org-acme-health', 'GET', '/Patient?_count=2', 'admin');
  t.equal(page.status, 200);
  t.equal(page.body.total, 3);
  t.equal(page.body.entry.length, 2);
  const base = `${aidbox.url}/Organization/org-acme-health/fhir`;
  t.match(page.body.entry[0].fullUrl, new RegExp(`^${base}/Patient/`));
  const next = page.body.link.find((link: { relation: string }) => link.relation === 'next');
  t.match(next?.url, new RegExp(`^${base}/Patient\\?`));
  t.equal((await aidbox.orgFhir('org-acme-health-east', 'GET', '/Coverage', 'admin')).body.total, 1);
  t.same(ids(await aidbox.orgFhir('org-beacon-mutual', 'GET', '/ExplanationOfBenefit', 'admin')), [
    'eob-test-pt-4-1',
    'eob-test-pt-5-1',
  ]);
  const elsewhere = await aidbox.orgFhir('org-acme-health', 'GET', '/Observation?patient=test-pt-4', 'admin');
  t.equal(elsewhere.body.total, 0);
  t.same(elsewhere.body.entry, []);
  const byId = await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Patient?_id=test-pt-1,test-pt-4', 'admin');
  t.same(ids(byId), ['test-pt-4']);
  t.same(ids(await aidbox.orgFhir('org-acme-health', 'GET', '/Organization', 'admin')), ['org-acme-health-east']);
});

t.test('a resource created through an organization base is bound to that organization', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const created = await aidbox.orgFhir('org-acme-health-east', 'POST', '/Observation', 'admin', {
    resourceType: 'Observation',
    meta: { extension: [{ url: 'https://example.test/other', valueString: 'kept' }] },
    status: 'final',
    code: { text: 'note' },
  });
  t.equal(created.status, 201);
  const id = created.body.id as string;
  t.equal(
    created.headers.get('location'),
    `${aidbox.url}/Organization/org-acme-health-east/fhir/Observation/${id}/_history/${created.body.meta.versionId}`,
  );
  t.same(created.body.meta.extension, [
    { url: TENANT, valueReference: { reference: 'Organization/org-acme-health-east' } },
    { url: 'https://example.test/other', valueString: 'kept' },
  ]);
  t.equal(bindingOf(aidbox.emulator.resource('Observation', id) as never), 'Organization/org-acme-health-east');
  const put = await aidbox.orgFhir('org-beacon-mutual', 'PUT', '/Patient/pt-beacon-new', 'admin', {
    resourceType: 'Patient',
  });
  t.equal(put.status, 201, 'PUT of a new id creates, bound');
  t.equal(bindingOf(put.body), 'Organization/org-beacon-mutual');
  const root = await (await aidbox.secretClient(['system/*.rs'])).accessToken();
  t.equal((await aidbox.fhir('GET', `/Observation/${id}`, root)).status, 200, 'the root base sees everything');
});

t.test('a write through a parent base may bind to a descendant, never outside its subtree', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const toChild = await aidbox.orgFhir('org-acme-health', 'POST', '/Patient', 'admin', {
    resourceType: 'Patient',
    meta: { extension: [{ url: TENANT, valueReference: { reference: 'Organization/org-acme-health-east' } }] },
  });
  t.equal(toChild.status, 201);
  t.equal(bindingOf(toChild.body), 'Organization/org-acme-health-east');
  const outside = await aidbox.orgFhir('org-acme-health', 'POST', '/Patient', 'admin', {
    resourceType: 'Patient',
    meta: { extension: [{ url: TENANT, valueReference: { reference: 'Organization/org-beacon-mutual' } }] },
  });
  t.equal(outside.status, 403);
  t.match(outside.body, { resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
  const upward = await aidbox.orgFhir('org-acme-health-east', 'PATCH', `/Patient/${toChild.body.id}`, 'admin', {
    meta: { extension: [{ url: TENANT, valueReference: { reference: 'Organization/org-acme-health' } }] },
  });
  t.equal(upward.status, 403, 'a child cannot move a resource up to its parent');
});

t.test('update, patch and delete outside the compartment answer 403 and change nothing', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const before = aidbox.emulator.resource('Patient', 'test-pt-1');
  const put = await aidbox.orgFhir('org-beacon-mutual', 'PUT', '/Patient/test-pt-1', 'admin', { gender: 'other' });
  t.equal(put.status, 403);
  t.equal(
    (await aidbox.orgFhir('org-beacon-mutual', 'PATCH', '/Patient/test-pt-1', 'admin', { gender: 'other' })).status,
    403,
  );
  t.equal((await aidbox.orgFhir('org-acme-health-east', 'DELETE', '/Patient/test-pt-1', 'admin')).status, 403);
  t.same(aidbox.emulator.resource('Patient', 'test-pt-1'), before);
  t.equal((await aidbox.orgFhir('org-acme-health-east', 'DELETE', '/Patient/nobody', 'admin')).status, 204);
});

t.test('update and patch inside the compartment keep the binding the body leaves out', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const put = await aidbox.orgFhir('org-acme-health', 'PUT', '/Patient/test-pt-3', 'admin', {
    resourceType: 'Patient',
    gender: 'female',
  });
  t.equal(put.status, 200);
  t.equal(bindingOf(put.body), 'Organization/org-acme-health-east', 'still the child organization');
  const patched = await aidbox.orgFhir('org-acme-health-east', 'PATCH', '/Patient/test-pt-3', 'admin', {
    meta: { extension: null },
    birthDate: '1992-06-15',
  });
  t.equal(patched.status, 200);
  t.equal(bindingOf(patched.body), 'Organization/org-acme-health-east');
  t.equal(patched.body.birthDate, '1992-06-15');
  const deleted = await aidbox.orgFhir('org-acme-health', 'DELETE', '/Patient/test-pt-3', 'admin');
  t.equal(deleted.status, 200);
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-3', 'admin')).status, 410);
});

t.test('an unknown organization answers 404 with an OperationOutcome on every route of its base', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const token = await (await aidbox.secretClient(['system/*.rs'])).accessToken();
  for (const [path, auth] of [
    ['/Patient/test-pt-1', token],
    ['/Patient', token],
    ['/Patient/test-pt-1', 'admin'],
    ['/metadata', undefined],
  ] as const) {
    const answer = await aidbox.orgFhir('org-nowhere', 'GET', path, auth);
    t.equal(answer.status, 404, path);
    t.match(answer.body, { resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] }, path);
  }
  t.equal((await aidbox.orgFhir('org-nowhere', 'GET', '/Patient', undefined)).status, 401, 'authentication first');
});

t.test('an organization base answers 401 without credentials and with wrong Basic credentials', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const none = await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/test-pt-1', undefined);
  t.equal(none.status, 401);
  t.match(none.headers.get('www-authenticate'), /^Bearer/);
  const wrong = await call(`${aidbox.url}/Organization/org-acme-health/fhir/Patient/test-pt-1`, {
    headers: { authorization: basic(ADMIN.id, 'wrong') },
  });
  t.equal(wrong.status, 401);
  t.match(wrong.headers.get('www-authenticate'), /^Basic/);
});

t.test('serves metadata under an organization base, and the SMART configuration only at the root', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const base = `${aidbox.url}/Organization/org-acme-health-east/fhir`;
  t.not((await call(`${base}/.well-known/smart-configuration`)).status, 200, 'not documented under the base');
  const configuration = await call(`${aidbox.url}/.well-known/smart-configuration`);
  t.equal(configuration.body.token_endpoint, `${aidbox.url}/auth/token`);
  const metadata = await call(`${base}/metadata`);
  t.equal(metadata.status, 200);
  t.match(metadata.headers.get('content-type'), /application\/fhir\+json/);
  t.match(metadata.body, { resourceType: 'CapabilityStatement', implementation: { url: base } });
  t.equal((await call(`${aidbox.url}/fhir/metadata`)).body.implementation.url, `${aidbox.url}/fhir`);
});

t.test('resources without a binding are root-level: not visible through organization bases', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const writer = await (await aidbox.secretClient(['system/*.cruds'])).accessToken();
  const created = await aidbox.fhir('POST', '/Patient', writer, { resourceType: 'Patient' });
  t.equal(created.status, 201);
  t.notOk(bindingOf(created.body), 'the root base binds nothing');
  const path = `/Patient/${created.body.id}`;
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', path, 'admin')).status, 403);
  t.equal((await aidbox.orgFhir('org-acme-health', 'PUT', path, 'admin', { resourceType: 'Patient' })).status, 403);
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient', 'admin')).body.total, 3);
  // Top-level organizations are root-level resources too; a child organization is bound to its parent in the seed.
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Organization/org-acme-health', 'admin')).status, 403);
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Organization/org-acme-health-east', 'admin')).status, 200);
});

t.test('a system-shared resource is readable through every organization base and writable through none', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const writer = await (await aidbox.secretClient(['system/*.cruds'])).accessToken();
  const shared = { resourceType: 'Practitioner', meta: { extension: [{ url: MODE, valueString: 'system-shared' }] } };
  t.equal((await aidbox.fhir('PUT', '/Practitioner/global-prac', writer, shared)).status, 201);
  for (const org of ['org-acme-health', 'org-acme-health-east', 'org-beacon-mutual']) {
    t.equal((await aidbox.orgFhir(org, 'GET', '/Practitioner/global-prac', 'admin')).status, 200, org);
  }
  t.same(ids(await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Practitioner', 'admin')), [
    'global-prac',
    'org-beacon-mutual-practitioner',
  ]);
  const put = await aidbox.orgFhir('org-acme-health', 'PUT', '/Practitioner/global-prac', 'admin', shared);
  t.equal(put.status, 403);
  t.match(put.body.issue[0].diagnostics, /read-only/);
  t.equal((await aidbox.orgFhir('org-acme-health', 'DELETE', '/Practitioner/global-prac', 'admin')).status, 403);
  const viaOrg = await aidbox.orgFhir('org-acme-health', 'POST', '/Practitioner', 'admin', shared);
  t.equal(viaOrg.status, 422, 'system-shared resources are created through the root base only');
});

t.test('a shared resource is readable from the descendants of its organization, and read-only there', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const shared = { resourceType: 'Practitioner', meta: { extension: [{ url: MODE, valueString: 'shared' }] } };
  const created = await aidbox.orgFhir('org-acme-health', 'PUT', '/Practitioner/acme-shared', 'admin', shared);
  t.equal(created.status, 201);
  t.equal(bindingOf(created.body), 'Organization/org-acme-health');
  t.equal((await aidbox.orgFhir('org-acme-health-east', 'GET', '/Practitioner/acme-shared', 'admin')).status, 200);
  t.equal(
    (await aidbox.orgFhir('org-acme-health-east', 'PUT', '/Practitioner/acme-shared', 'admin', shared)).status,
    403,
  );
  t.equal((await aidbox.orgFhir('org-beacon-mutual', 'GET', '/Practitioner/acme-shared', 'admin')).status, 403);
  const plain = await aidbox.orgFhir(
    'org-acme-health-east',
    'GET',
    '/Practitioner/org-acme-health-practitioner',
    'admin',
  );
  t.equal(plain.status, 403, 'without the shared mode the parent practitioner stays hidden');
});

t.test('an organization cycle in partOf does not hang the server', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const writer = await (await aidbox.secretClient(['system/*.cruds'])).accessToken();
  for (const [id, parent] of [
    ['org-loop-a', 'org-loop-b'],
    ['org-loop-b', 'org-loop-a'],
  ]) {
    const answer = await aidbox.fhir('PUT', `/Organization/${id}`, writer, {
      resourceType: 'Organization',
      partOf: { reference: `Organization/${parent}` },
    });
    t.equal(answer.status, 201);
  }
  const patient = {
    resourceType: 'Patient',
    meta: { extension: [{ url: TENANT, valueReference: { reference: 'Organization/org-loop-a' } }] },
  };
  t.equal((await aidbox.fhir('PUT', '/Patient/pt-loop', writer, patient)).status, 201);
  t.equal((await aidbox.orgFhir('org-loop-b', 'GET', '/Patient/pt-loop', 'admin')).status, 200);
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient/pt-loop', 'admin')).status, 403);
  t.equal((await aidbox.orgFhir('org-acme-health', 'GET', '/Patient', 'admin')).body.total, 3);
});

t.test('GET /Organization on the admin API still lists every organization', async (t) => {
  const aidbox = await startOrgbacEmulator(t);
  const all = await aidbox.admin('GET', '/Organization');
  t.equal(all.status, 200);
  t.equal(all.body.total, 3);
  t.equal((await aidbox.admin('GET', '/Organization/org-acme-health')).status, 200);
});

t.test(
  'matcho $contains finds an array element that matches a nested partial pattern, and .paths read the subject',
  async (t) => {
    const client = {
      id: 'svc-1',
      meta: {
        extension: [
          { url: 'https://example.test/other', value: { string: 'x' } },
          { url: TENANT, value: { Reference: { resourceType: 'Organization', id: 'org-a' } } },
        ],
      },
    };
    const bound = (id: string) => ({
      client: { meta: { extension: { $contains: { url: TENANT, value: { Reference: { id } } } } } },
    });
    t.ok(matchesPattern(bound('org-a'), { client }));
    t.notOk(matchesPattern(bound('org-b'), { client }));
    t.notOk(matchesPattern(bound('org-a'), { client: { id: 'svc-2' } }), 'no extensions at all');
    const byPath = bound('.params.organization/id');
    t.ok(matchesPattern(byPath, { client, params: { 'organization/id': 'org-a' } }));
    t.notOk(matchesPattern(byPath, { client, params: { 'organization/id': 'org-b' } }));
    t.notOk(matchesPattern(byPath, { client, params: {} }), 'a path to nothing');
    t.notOk(matchesPattern(byPath, { client, params: { 'organization/id': { id: 'org-a' } } }), 'a path to an object');
    t.ok(matchesPattern({ a: '.list.1' }, { a: 'y', list: ['x', 'y'] }), 'array elements by index');
  },
);
