import t from 'tap';
import { buildTestApp, createService, createUser } from './helpers/app.ts';
import { fetchService, serviceInStatus } from './helpers/services.ts';

const SAMPLE_GROUPS = { SANDBOX_SAMPLE_GROUP_IDS: 'group-all-members,group-east-members' };
const SANDBOX_FHIR = 'https://sandbox.aidbox.test/fhir';

t.test('shows the export endpoints and the types a v2 service may export: those it reads and searches', async (t) => {
  const app = await buildTestApp(t, SAMPLE_GROUPS);
  const developer = await createUser(app);
  const created = await createService(developer, {
    scopes: ['system/Patient.rs', 'system/Coverage.rs', 'system/Observation.r', 'system/Claim.s'],
  });
  const expected = {
    systemUrl: `${SANDBOX_FHIR}/$export`,
    patientUrl: `${SANDBOX_FHIR}/Patient/$export`,
    groupUrlTemplate: `${SANDBOX_FHIR}/Group/{id}/$export`,
    statusUrlTemplate: `${SANDBOX_FHIR}/$export-status/{id}`,
    allTypes: false,
    types: ['Coverage', 'Patient'],
    sampleGroupIds: ['group-all-members', 'group-east-members'],
  };
  t.same((created.environments as { sandbox: { bulkExport: unknown } }).sandbox.bulkExport, expected, 'on create');
  t.same((await fetchService(developer, created.id)).environments.sandbox.bulkExport, expected, 'on read');
});

t.test('counts a v1 read scope as read and search', async (t) => {
  const app = await buildTestApp(t);
  const developer = await createUser(app);
  const created = await createService(developer, {
    scopeVersion: 'v1',
    scopes: ['system/Claim.read', 'system/Patient.write'],
  });
  const { bulkExport } = (await fetchService(developer, created.id)).environments.sandbox;
  t.match(bulkExport, { allTypes: false, types: ['Claim'], systemUrl: `${SANDBOX_FHIR}/$export` });
});

t.test('lets a wildcard read scope export every type', async (t) => {
  const app = await buildTestApp(t);
  const developer = await createUser(app);
  for (const [scopeVersion, scopes] of [
    ['v1', ['system/*.read']],
    ['v2', ['system/*.rs']],
  ] as const) {
    const created = await createService(developer, { scopeVersion, scopes });
    const { bulkExport } = (await fetchService(developer, created.id)).environments.sandbox;
    t.match(bulkExport, { allTypes: true, types: [] }, scopes[0]);
  }
});

t.test('offers no export when no type is granted both read and search, in either environment', async (t) => {
  const app = await buildTestApp(t, SAMPLE_GROUPS);
  const developer = await createUser(app);
  const admin = await createUser(app, 'admin');
  const active = await serviceInStatus(developer, admin, 'active', {
    scopes: ['system/Patient.r', 'system/Coverage.s', 'system/Claim.cud'],
  });
  t.equal(active.environments.sandbox.bulkExport, null, 'sandbox');
  t.equal(active.environments.production.bulkExport, null, 'production');
});

t.test('lists the sample Groups in the sandbox only, and none when the deployment names none', async (t) => {
  const app = await buildTestApp(t, SAMPLE_GROUPS);
  const developer = await createUser(app);
  const admin = await createUser(app, 'admin');
  const active = await serviceInStatus(developer, admin, 'active', { scopes: ['system/Patient.rs'] });
  t.same(active.environments.sandbox.bulkExport.sampleGroupIds, ['group-all-members', 'group-east-members']);
  t.match(active.environments.production.bulkExport, {
    systemUrl: 'https://aidbox.test/fhir/$export',
    statusUrlTemplate: 'https://aidbox.test/fhir/$export-status/{id}',
    types: ['Patient'],
    sampleGroupIds: [],
  });

  const unconfigured = await buildTestApp(t);
  const other = await createUser(unconfigured);
  const created = await createService(other, { scopes: ['system/Patient.rs'] });
  t.same((await fetchService(other, created.id)).environments.sandbox.bulkExport.sampleGroupIds, []);
});
