// Multi-organization deployments (OrgBAC): the organizations of the production Aidbox (an emulator here), cached in
// PostgreSQL and refreshed on demand, and the organization every service of such a deployment belongs to. Each test
// that turns OrgBAC on gets a database of its own, because the cached organizations are global to a deployment.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { buildTestApp, createService, createUser, serviceInput } from './helpers/app.ts';
import { isolatedDatabaseUrl } from './helpers/database.ts';
import { expectProblem } from './helpers/problem.ts';
import { closedAidboxUrl, type ProductionAidbox, startProductionAidbox } from './helpers/production-aidbox.ts';
import { fetchService, serviceInStatus } from './helpers/services.ts';

const ORGANIZATIONS = '/api/v1/organizations';
const REFRESH = '/api/v1/admin/organizations/refresh';
const SERVICES = '/api/v1/backend-services';

interface Node {
  id: string;
  name: string;
  children: Node[];
}

/** The seeded tree of the emulator, as the API shows it. */
const SAMPLE_TREE: Node[] = [
  {
    id: 'org-acme-health',
    name: 'Acme Health Plan',
    children: [{ id: 'org-acme-health-east', name: 'Acme Health Plan East', children: [] }],
  },
  { id: 'org-beacon-mutual', name: 'Beacon Mutual Insurance', children: [] },
];

/**
 * Makes the cached organizations an hour older than they are (past the default maximum age of 10 minutes): their age
 * is the database's clock minus their refresh time, so this is what waiting would do. Answers the new refresh time.
 */
async function ageCachedOrganizations(app: FastifyInstance): Promise<string> {
  const rows = await app.db
    .updateTable('organizations')
    .set({ refreshedAt: sql`refreshed_at - interval '1 hour'` })
    .returning('refreshedAt')
    .execute();
  const refreshedAt = rows[0]?.refreshedAt;
  if (!refreshedAt) throw new Error('no organizations are cached');
  return refreshedAt.toISOString();
}

/** An app with OrgBAC on, reading `aidbox` (or `env` overrides), on a database of its own unless one is given. */
async function orgbacApp(t: Test, aidbox: ProductionAidbox, env: Record<string, string> = {}) {
  const databaseUrl = env.DATABASE_URL ?? (await isolatedDatabaseUrl(t));
  const app = await buildTestApp(t, { ...aidbox.env, ...env, DATABASE_URL: databaseUrl });
  return { app, databaseUrl, developer: await createUser(app), admin: await createUser(app, 'admin') };
}

t.test('lists the organizations of the production Aidbox as a tree, sorted by name at every level', async (t) => {
  const aidbox = await startProductionAidbox(t);
  await aidbox.putOrganization('org-acme-health-central', 'acme Health Plan Central', 'org-acme-health');
  await aidbox.putOrganization('org-zenith', 'Zenith Care');
  await aidbox.putOrganization('org-anon', undefined);
  const { developer } = await orgbacApp(t, aidbox);
  const before = Date.now();
  const response = await developer.request('GET', ORGANIZATIONS);
  t.equal(response.statusCode, 200);
  const body = response.json();
  t.equal(body.enabled, true);
  t.same(body.organizations, [
    {
      ...SAMPLE_TREE[0],
      children: [
        { id: 'org-acme-health-central', name: 'acme Health Plan Central', children: [] },
        { id: 'org-acme-health-east', name: 'Acme Health Plan East', children: [] },
      ],
    },
    SAMPLE_TREE[1],
    { id: 'org-anon', name: 'org-anon', children: [] },
    { id: 'org-zenith', name: 'Zenith Care', children: [] },
  ]);
  t.ok(Math.abs(Date.parse(body.refreshedAt) - before) < 60_000, 'says when it was read');
  const reads = aidbox.emulator.requests().filter((r) => r.method === 'GET' && r.path === '/Organization');
  t.equal(reads.length, 1, 'read from Aidbox once');
  t.same((await developer.request('GET', ORGANIZATIONS)).json(), body, 'then served from the cache');
  t.equal(aidbox.emulator.requests().filter((r) => r.path === '/Organization').length, 1);
});

t.test('answers enabled false and no organizations when the deployment does not use them', async (t) => {
  const app = await buildTestApp(t);
  const developer = await createUser(app);
  const response = await developer.request('GET', ORGANIZATIONS);
  t.equal(response.statusCode, 200);
  t.same(response.json(), { enabled: false, organizations: [], refreshedAt: null });
  expectProblem(t, await (await createUser(app, 'admin')).request('POST', REFRESH), 409, 'orgbac_disabled');
  t.equal((await app.inject({ method: 'GET', url: ORGANIZATIONS })).statusCode, 401, 'signed-in users only');
});

t.test('repairs the hierarchy: an unknown parent makes a top-level organization, and a loop is broken', async (t) => {
  const aidbox = await startProductionAidbox(t);
  await aidbox.putOrganization('org-orphan', 'Orphan Plan', 'org-nowhere');
  await aidbox.putOrganization('org-loop-b', 'Loop B', 'org-loop-a');
  await aidbox.putOrganization('org-loop-a', 'Loop A', 'org-loop-c');
  await aidbox.putOrganization('org-loop-c', 'Loop C', 'org-loop-b');
  await aidbox.putOrganization('org-self', 'Self Parent', 'org-self');
  const { developer } = await orgbacApp(t, aidbox);
  const response = await developer.request('GET', ORGANIZATIONS);
  t.equal(response.statusCode, 200);
  const roots = (response.json().organizations as Node[]).map((node) => node.id);
  t.same(roots, ['org-acme-health', 'org-beacon-mutual', 'org-loop-a', 'org-orphan', 'org-self']);
  const loop = (response.json().organizations as Node[]).find((node) => node.id === 'org-loop-a');
  // The smallest id of the loop becomes its top; the others hang below it as partOf says.
  t.same(loop, {
    id: 'org-loop-a',
    name: 'Loop A',
    children: [
      {
        id: 'org-loop-b',
        name: 'Loop B',
        children: [{ id: 'org-loop-c', name: 'Loop C', children: [] }],
      },
    ],
  });
});

t.test('an admin refresh reads organizations created in Aidbox since the list was cached', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer, admin } = await orgbacApp(t, aidbox);
  const first = (await developer.request('GET', ORGANIZATIONS)).json();
  await aidbox.putOrganization('org-acme-health-west', 'Acme Health Plan West', 'org-acme-health');
  t.same((await developer.request('GET', ORGANIZATIONS)).json(), first, 'the cache is still fresh');
  const refreshed = await admin.request('POST', REFRESH);
  t.equal(refreshed.statusCode, 200);
  t.same(refreshed.json().organizations[0].children, [
    { id: 'org-acme-health-east', name: 'Acme Health Plan East', children: [] },
    { id: 'org-acme-health-west', name: 'Acme Health Plan West', children: [] },
  ]);
  t.ok(refreshed.json().refreshedAt > first.refreshedAt, 'a newer read');
  t.same((await developer.request('GET', ORGANIZATIONS)).json(), refreshed.json(), 'every reader sees it');
});

t.test('only admins may refresh the organizations', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer } = await orgbacApp(t, aidbox);
  expectProblem(t, await developer.request('POST', REFRESH), 403, 'forbidden');
  t.equal(aidbox.emulator.requests().filter((r) => r.path === '/Organization').length, 0, 'Aidbox was not asked');
});

t.test('concurrent refreshes leave one complete set', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer, admin } = await orgbacApp(t, aidbox);
  const answers = await Promise.all([
    ...Array.from({ length: 6 }, () => admin.request('POST', REFRESH)),
    ...Array.from({ length: 6 }, () => developer.request('GET', ORGANIZATIONS)),
  ]);
  t.same(
    answers.map((answer) => answer.statusCode),
    Array(12).fill(200),
  );
  for (const answer of answers) t.same(answer.json().organizations, SAMPLE_TREE);
});

t.test('a list older than the maximum age is served while it is read again in the background', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { app, developer } = await orgbacApp(t, aidbox);
  t.same((await developer.request('GET', ORGANIZATIONS)).json().organizations, SAMPLE_TREE);
  await aidbox.putOrganization('org-late', 'Late Plan');
  await ageCachedOrganizations(app);
  // The read that the stale list starts is held in Aidbox: the answer cannot have waited for it.
  const reading = aidbox.emulator.hold({ method: 'GET', path: /^\/Organization$/ });
  const stale = await developer.request('GET', ORGANIZATIONS);
  await reading.arrived();
  t.same(stale.json().organizations, SAMPLE_TREE, 'the stale list at once, while Aidbox is read');
  reading.release();
  await app.organizations?.settle();
  const ids = ((await developer.request('GET', ORGANIZATIONS)).json().organizations as Node[]).map((node) => node.id);
  t.ok(ids.includes('org-late'), 'then the list read in the background');
  const reads = aidbox.emulator.requests().filter((r) => r.method === 'GET' && r.path === '/Organization');
  t.equal(reads.length, 2, 'read once when first asked and once more in the background');
});

t.test('while Aidbox is down the cached list is still served and a refresh answers 502', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const up = await orgbacApp(t, aidbox);
  t.same((await up.developer.request('GET', ORGANIZATIONS)).json().organizations, SAMPLE_TREE);
  // Another replica of the same deployment, whose Aidbox does not answer, and which finds the list stale.
  const down = await orgbacApp(t, aidbox, {
    DATABASE_URL: up.databaseUrl,
    PRODUCTION_AIDBOX_URL: await closedAidboxUrl(),
  });
  const cached = { enabled: true, organizations: SAMPLE_TREE, refreshedAt: await ageCachedOrganizations(up.app) };
  const served = await down.developer.request('GET', ORGANIZATIONS);
  t.equal(served.statusCode, 200);
  t.same(served.json(), cached, 'the cached list');
  const refresh = await down.admin.request('POST', REFRESH);
  const problem = expectProblem(t, refresh, 502, 'aidbox_unavailable');
  t.notMatch(JSON.stringify(problem), /ECONNREFUSED|127\.0\.0\.1/, 'no internals in the body');
  t.same((await down.developer.request('GET', ORGANIZATIONS)).json(), cached, 'the cache is kept');
  await down.app.organizations?.settle();
  t.same((await up.developer.request('GET', ORGANIZATIONS)).json(), cached, 'also after the background read failed');
});

t.test('answers 503 when nothing is cached yet and Aidbox is down', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer } = await orgbacApp(t, aidbox, { PRODUCTION_AIDBOX_URL: await closedAidboxUrl() });
  const problem = expectProblem(t, await developer.request('GET', ORGANIZATIONS), 503, 'organizations_unavailable');
  t.notMatch(JSON.stringify(problem), /ECONNREFUSED|127\.0\.0\.1/);
  const create = await developer.request('POST', SERVICES, serviceInput({ organizationId: 'org-acme-health' }));
  expectProblem(t, create, 503, 'organizations_unavailable');
});

t.test('registering needs an organization that exists', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer } = await orgbacApp(t, aidbox);
  const missing = expectProblem(t, await developer.request('POST', SERVICES, serviceInput()), 400, 'validation_failed');
  t.match(missing.errors, [{ path: '/body/organizationId', message: /is required/ }]);
  const unknown = expectProblem(
    t,
    await developer.request('POST', SERVICES, serviceInput({ organizationId: 'org-nowhere' })),
    400,
    'unknown_organization',
  );
  t.same(unknown.errors, [{ path: '/body/organizationId', message: 'is not an organization of this deployment' }]);
  const both = expectProblem(
    t,
    await developer.request('POST', SERVICES, serviceInput({ scopes: ['system/Patient.sr'] })),
    400,
    'validation_failed',
  );
  t.same(both.errors?.map((error) => error.path).sort(), ['/body/organizationId', '/body/scopes/0'], 'all at once');
  const listed = await developer.request('GET', SERVICES);
  t.same(listed.json().items, [], 'nothing was registered');
});

t.test('an organization created in Aidbox after the list was cached is accepted', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer } = await orgbacApp(t, aidbox);
  t.equal((await developer.request('GET', ORGANIZATIONS)).statusCode, 200);
  await aidbox.putOrganization('org-acme-health-west', 'Acme Health Plan West', 'org-acme-health');
  const service = await createService(developer, { organizationId: 'org-acme-health-west' });
  t.same(service.organization, {
    id: 'org-acme-health-west',
    name: 'Acme Health Plan West',
    ancestors: [{ id: 'org-acme-health', name: 'Acme Health Plan' }],
  });
});

t.test('owners and admins see the organization of a service with its place in the hierarchy', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer, admin } = await orgbacApp(t, aidbox);
  const created = await createService(developer, { organizationId: 'org-acme-health-east' });
  const east = {
    id: 'org-acme-health-east',
    name: 'Acme Health Plan East',
    ancestors: [{ id: 'org-acme-health', name: 'Acme Health Plan' }],
  };
  t.equal(created.organizationId, 'org-acme-health-east');
  t.same(created.organization, east);
  t.same((await fetchService(developer, created.id)).organization, east);
  t.same((await developer.request('GET', SERVICES)).json().items[0].organization, east);
  t.same((await admin.request('GET', `/api/v1/admin/backend-services/${created.id}`)).json().organization, east);
  await developer.request('POST', `${SERVICES}/${created.id}/submit`);
  const queue = (await admin.request('GET', '/api/v1/admin/review-queue')).json();
  t.same(queue.items.find((item: { id: string }) => item.id === created.id)?.organization, east, 'in the review');
  const top = await createService(developer, { organizationId: 'org-beacon-mutual' });
  t.same(top.organization, { id: 'org-beacon-mutual', name: 'Beacon Mutual Insurance', ancestors: [] });
});

t.test(
  'the production constants of a service use its organization FHIR base, the sandbox ones the plain base',
  async (t) => {
    const aidbox = await startProductionAidbox(t);
    const { developer, admin } = await orgbacApp(t, aidbox);
    const draft = await serviceInStatus(developer, admin, 'draft', { organizationId: 'org-acme-health' });
    t.match(
      draft.environments.sandbox,
      {
        fhirBaseUrl: 'https://sandbox.aidbox.test/fhir',
        smartConfigurationUrl: 'https://sandbox.aidbox.test/.well-known/smart-configuration',
        capabilityStatementUrl: 'https://sandbox.aidbox.test/fhir/metadata',
        tokenUrl: 'https://sandbox.aidbox.test/auth/token',
      },
      'the sandbox runs without OrgBAC',
    );
    t.equal(draft.organizationId, 'org-acme-health', 'the service still names its organization');
    const active = await serviceInStatus(developer, admin, 'active', { organizationId: 'org-acme-health' });
    const base = 'https://aidbox.test/Organization/org-acme-health/fhir';
    t.match(active.environments, {
      sandbox: { fhirBaseUrl: 'https://sandbox.aidbox.test/fhir' },
      production: {
        fhirBaseUrl: base,
        smartConfigurationUrl: 'https://aidbox.test/.well-known/smart-configuration',
        capabilityStatementUrl: `${base}/metadata`,
        tokenUrl: 'https://aidbox.test/auth/token',
        // aidbox-docs organization-based-hierarchical-access-control.md, "System-level Export": under the org base.
        bulkExport: {
          systemUrl: `${base}/$export`,
          patientUrl: `${base}/Patient/$export`,
          groupUrlTemplate: `${base}/Group/{id}/$export`,
          statusUrlTemplate: `${base}/$export-status/{id}`,
        },
      },
    });
    t.equal(
      active.environments.sandbox.bulkExport.systemUrl,
      'https://sandbox.aidbox.test/fhir/$export',
      "the sandbox's exports go through its plain base",
    );
  },
);

t.test('a draft may move to another organization; a service past draft may not', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer, admin } = await orgbacApp(t, aidbox);
  const service = await createService(developer, { organizationId: 'org-acme-health' });
  const url = `${SERVICES}/${service.id}`;
  const moved = await developer.request('PATCH', url, { organizationId: 'org-beacon-mutual' }, { 'if-match': '"1"' });
  t.equal(moved.statusCode, 200);
  t.match(moved.json(), {
    organizationId: 'org-beacon-mutual',
    organization: { id: 'org-beacon-mutual', name: 'Beacon Mutual Insurance', ancestors: [] },
    environments: { sandbox: { fhirBaseUrl: 'https://sandbox.aidbox.test/fhir' } },
  });
  const unknown = await developer.request('PATCH', url, { organizationId: 'org-nowhere' }, { 'if-match': '"2"' });
  expectProblem(t, unknown, 400, 'unknown_organization');
  const removed = await developer.request('PATCH', url, { organizationId: null }, { 'if-match': '"2"' });
  const problem = expectProblem(t, removed, 400, 'validation_failed');
  t.match(problem.errors, [{ path: '/body/organizationId', message: /cannot be removed/ }]);
  const renamed = await developer.request('PATCH', url, { name: 'Renamed' }, { 'if-match': '"2"' });
  t.equal(renamed.json().organizationId, 'org-beacon-mutual', 'an edit that leaves it out keeps it');

  const submitted = await serviceInStatus(developer, admin, 'under_review', { organizationId: 'org-acme-health' });
  const frozen = await developer.request(
    'PATCH',
    `${SERVICES}/${submitted.id}`,
    { organizationId: 'org-beacon-mutual' },
    { 'if-match': `"${submitted.version}"` },
  );
  expectProblem(t, frozen, 409, 'illegal_transition');
  t.equal((await fetchService(developer, submitted.id)).organizationId, 'org-acme-health');
});

t.test('an active service moves to another organization only through a reviewed change request', async (t) => {
  const aidbox = await startProductionAidbox(t);
  const { developer, admin } = await orgbacApp(t, aidbox);
  const service = await serviceInStatus(developer, admin, 'active', { organizationId: 'org-acme-health' });
  const url = `${SERVICES}/${service.id}/change-requests`;
  expectProblem(
    t,
    await developer.request('POST', url, { organizationId: 'org-nowhere' }),
    400,
    'unknown_organization',
  );
  const removed = expectProblem(
    t,
    await developer.request('POST', url, { organizationId: null }),
    400,
    'validation_failed',
  );
  t.match(removed.errors, [{ path: '/body/organizationId', message: /cannot be removed/ }]);
  const proposed = await developer.request('POST', url, { organizationId: 'org-beacon-mutual' });
  t.equal(proposed.statusCode, 201, 'whose data it reaches is reviewed');
  t.match(proposed.json().changes, [{ field: 'organizationId', from: 'org-acme-health', to: 'org-beacon-mutual' }]);
  t.equal((await fetchService(developer, service.id)).organizationId, 'org-acme-health', 'until it is approved');
  const approve = `/api/v1/admin/backend-services/${service.id}/change-requests/${proposed.json().id}/approve`;
  t.equal((await admin.request('POST', approve, {})).statusCode, 200);
  t.match(await fetchService(developer, service.id), {
    organizationId: 'org-beacon-mutual',
    organization: { name: 'Beacon Mutual Insurance' },
  });
});

t.test('without OrgBAC no organization is asked for, and one given is refused', async (t) => {
  const app = await buildTestApp(t);
  const developer = await createUser(app);
  const refused = expectProblem(
    t,
    await developer.request('POST', SERVICES, serviceInput({ organizationId: 'org-acme-health' })),
    400,
    'validation_failed',
  );
  t.match(refused.errors, [{ path: '/body/organizationId', message: /does not use organizations/ }]);
  const service = await createService(developer);
  t.equal(service.organizationId, null);
  t.equal(service.organization, null);
  t.match(service.environments, { sandbox: { fhirBaseUrl: 'https://sandbox.aidbox.test/fhir' } });
  const url = `${SERVICES}/${service.id}`;
  const patched = await developer.request('PATCH', url, { organizationId: 'org-1' }, { 'if-match': '"1"' });
  t.match(expectProblem(t, patched, 400, 'validation_failed').errors, [{ path: '/body/organizationId' }]);
  const cleared = await developer.request('PATCH', url, { organizationId: null }, { 'if-match': '"1"' });
  t.equal(cleared.statusCode, 200, 'null (none) is fine');
});
