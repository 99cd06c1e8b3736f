// End to end: services registered in the portal run FHIR Bulk Data exports (system, patient and group level) in the
// sandbox and, once approved, in production, through the access policy derived from their scopes, and receive only
// the types those scopes let them read and search. A deactivated client can neither start an export nor download one.
import t, { type Test } from 'tap';
import {
  downloadWithoutToken,
  type ExportManifest,
  exportedResources,
  kickOffExport,
  readExportFile,
  waitForExportManifest,
} from './helpers/bulk-export.ts';
import { tokenWithSecret } from './helpers/smart-client.ts';
import { productionSecret, readySecretService, startStack } from './helpers/stack.ts';

interface ExportUrls {
  readonly systemUrl: string;
  readonly patientUrl: string;
  readonly groupUrlTemplate: string;
  readonly sampleGroupIds: readonly string[];
  readonly types: readonly string[];
  readonly allTypes: boolean;
}

/** The three kick-off URLs of an environment's constants, with a Group of the sandbox's sample data. */
function levels(urls: ExportUrls): Record<'system' | 'patient' | 'group', string> {
  return {
    system: urls.systemUrl,
    patient: urls.patientUrl,
    group: urls.groupUrlTemplate.replace('{id}', 'group-all-members'),
  };
}

async function accessToken(t: Test, tokenUrl: string, clientId: string, secret: string): Promise<string> {
  const token = await tokenWithSecret(tokenUrl, clientId, secret);
  t.equal(token.status, 200, token.body.error ?? 'a token is granted');
  return token.body.access_token as string;
}

/**
 * Runs one export to its manifest and downloads every file: checks the manifest, that each NDJSON line parses and is
 * of a permitted type, that the counts match the lines, and that the files need the token. Answers the resources by
 * type.
 */
async function exportAndDownload(
  t: Test,
  kickOffUrl: string,
  token: string,
  permitted: (type: string) => boolean,
): Promise<{ manifest: ExportManifest; byType: Map<string, number> }> {
  const kickOff = await kickOffExport(kickOffUrl, token);
  t.equal(kickOff.status, 202, `${kickOffUrl} is accepted`);
  if (kickOff.status !== 202 || kickOff.statusUrl === undefined) throw new Error(`kick-off answered ${kickOff.status}`);
  const manifest = await waitForExportManifest(kickOff.statusUrl, token);
  t.equal(manifest.request, kickOffUrl, 'the manifest names the kick-off request');
  t.ok(!Number.isNaN(Date.parse(manifest.transactionTime ?? '')), 'with a transaction time');
  t.equal(manifest.requiresAccessToken, true, 'its files need the access token');
  t.same(manifest.error, [], 'and it reports no error');
  t.ok((manifest.output ?? []).length > 0, 'it has files');
  const byType = new Map<string, number>();
  for (const file of manifest.output ?? []) {
    const { type = '?', url = '', count } = file;
    t.ok(permitted(type), `${type} is a permitted type`);
    t.equal(await downloadWithoutToken(url), 401, `${type}: no download without the token`);
    const reading = await readExportFile(url, token);
    t.equal(reading.status, 200, `${type} downloads with the token`);
    t.equal(reading.lines, count, `${type}: the count is the number of lines`);
    t.equal(reading.unparsable, 0, `${type}: every line parses as a resource`);
    t.same(Object.keys(reading.types), [type], `${type}: every line is a ${type}`);
    byType.set(type, (byType.get(type) ?? 0) + reading.lines);
  }
  return { manifest, byType };
}

const permittedPatientOrCoverage = (type: string) => type === 'Patient' || type === 'Coverage';

t.test('a v2 Patient and Coverage service exports only those types, in the sandbox and after approval', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const permitted = permittedPatientOrCoverage;
  const { id, clientId, clientSecret, sandbox } = await readySecretService(t, stack, {
    name: 'Member roster export',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs', 'system/Coverage.rs'],
  });
  const constants = sandbox.bulkExport as ExportUrls;
  t.match(constants, { allTypes: false, types: ['Coverage', 'Patient'] });
  t.same(constants.sampleGroupIds, ['group-all-members', 'group-east-members'], 'the sandbox names its sample Groups');

  const sandboxToken = await accessToken(t, sandbox.tokenUrl, clientId, clientSecret);
  for (const [level, url] of Object.entries(levels(constants))) {
    const { byType } = await exportAndDownload(t, `${url}?_type=Patient,Coverage`, sandboxToken, permitted);
    t.ok((byType.get('Patient') ?? 0) > 0 && (byType.get('Coverage') ?? 0) > 0, `${level}: both types exported`);
  }
  const outOfScope = await kickOffExport(`${constants.systemUrl}?_type=Patient,Observation`, sandboxToken);
  t.equal(outOfScope.status, 403, 'a type outside the scopes is refused');

  t.equal((await stack.developer.api('POST', `/backend-services/${id}/submit`)).status, 200);
  t.equal((await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status, 200);
  const approved = await stack.waitForEnvironment(id, 'production', 'ready');
  const production = approved.environments.production;
  const productionConstants = production.bulkExport as ExportUrls;
  t.same(productionConstants.sampleGroupIds, [], 'production names no sample Groups');
  t.ok(productionConstants.systemUrl.startsWith(stack.emulators.production.url), 'production exports go to production');
  const productionToken = await accessToken(t, production.tokenUrl, clientId, await productionSecret(stack, id));
  for (const [level, url] of Object.entries(levels(productionConstants))) {
    const { byType } = await exportAndDownload(t, `${url}?_type=Patient,Coverage`, productionToken, permitted);
    t.ok((byType.get('Patient') ?? 0) > 0, `production ${level}: Patients exported`);
  }
});

t.test('a Patient-only client never receives other types, whatever it asks for', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const { clientId, clientSecret, sandbox } = await readySecretService(t, stack, {
    name: 'Patient roster',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  const constants = sandbox.bulkExport as ExportUrls;
  t.same(constants.types, ['Patient']);
  const anonymous = await fetch(`${constants.systemUrl}?_type=Patient`, {
    headers: { accept: 'application/fhir+json', prefer: 'respond-async' },
  });
  await anonymous.arrayBuffer();
  t.equal(anonymous.status, 401, 'a kick-off without a token is unauthenticated');
  const token = await accessToken(t, sandbox.tokenUrl, clientId, clientSecret);
  for (const url of Object.values(levels(constants))) {
    const { byType } = await exportAndDownload(t, `${url}?_type=Patient`, token, (type) => type === 'Patient');
    t.same([...byType.keys()], ['Patient'], `${url}: Patients only`);
    for (const query of [
      '',
      '?_type=Observation',
      '?_type=Patient,Observation',
      '?_type=*',
      '?_type=Patient&_type=Claim',
    ]) {
      t.equal((await kickOffExport(`${url}${query}`, token)).status, 403, `${url}${query} is refused`);
    }
  }
});

t.test(
  'a v1 system/*.read service exports every type and, once deactivated, neither starts nor downloads',
  async (t) => {
    const stack = await startStack(t);
    await stack.startWorker();
    const { id, clientId, clientSecret, sandbox } = await readySecretService(t, stack, {
      name: 'Payer data warehouse',
      scopeVersion: 'v1',
      scopes: ['system/*.read'],
    });
    const constants = sandbox.bulkExport as ExportUrls;
    t.match(constants, { allTypes: true });
    const token = await accessToken(t, sandbox.tokenUrl, clientId, clientSecret);
    const everything = await exportAndDownload(t, constants.systemUrl, token, () => true);
    for (const type of ['Patient', 'Coverage', 'ExplanationOfBenefit', 'Claim', 'Observation', 'Encounter']) {
      t.ok((everything.byType.get(type) ?? 0) > 0, `a system export without _type holds ${type}`);
    }
    const patients = await exportAndDownload(t, constants.patientUrl, token, (type) => type !== 'Organization');
    t.ok((patients.byType.get('Patient') ?? 0) > 0, 'a patient-level export holds the Patients');
    const east = await exportAndDownload(
      t,
      constants.groupUrlTemplate.replace('{id}', 'group-east-members'),
      token,
      () => true,
    );
    t.ok(
      (east.byType.get('Patient') ?? 0) < (patients.byType.get('Patient') ?? 0),
      "a group-level export holds only the Group's members",
    );

    t.equal((await stack.developer.api('POST', `/backend-services/${id}/submit`)).status, 200);
    t.equal((await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status, 200);
    const production = (await stack.waitForEnvironment(id, 'production', 'ready')).environments.production;
    const secret = await productionSecret(stack, id);
    const productionToken = await accessToken(t, production.tokenUrl, clientId, secret);
    const before = await exportAndDownload(t, production.bulkExport.systemUrl, productionToken, () => true);

    const deactivated = await stack.admin.api('POST', `/admin/backend-services/${id}/deactivate`, { reason: 'Ended' });
    t.equal(deactivated.status, 200);
    await stack.waitForEnvironment(id, 'production', 'disabled');
    await stack.waitForEnvironment(id, 'sandbox', 'disabled');
    const refusedToken = await tokenWithSecret(production.tokenUrl, clientId, secret);
    t.not(refusedToken.status, 200, 'a deactivated client gets no token');
    // The token issued before deactivation has not expired yet: the client's state, not the token, must stop it.
    const kickOff = await kickOffExport(production.bulkExport.systemUrl, productionToken);
    // Aidbox may refuse the token itself (401) or the request (403): either way nothing starts.
    t.ok([401, 403].includes(kickOff.status), `a deactivated client cannot start an export (${kickOff.status})`);
    t.notOk(kickOff.statusUrl, 'and gets no status URL');
    const url = before.manifest.output?.[0]?.url;
    if (url === undefined) throw new Error('the export before deactivation had no file');
    t.equal((await readExportFile(url, productionToken)).status, 403, 'nor download the files it exported');
  },
);

t.test("under OrgBAC a production export holds only the service's organization's data", async (t) => {
  const stack = await startStack(t, {}, { orgbac: true });
  await stack.startWorker();
  const created = await stack.developer.api('POST', '/backend-services', {
    name: 'Acme roster export',
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs', 'system/Coverage.rs'],
    organizationId: 'org-acme-health',
  });
  t.equal(created.status, 201, created.body?.code ?? 'registered');
  const { id, clientId } = created.body;
  await stack.waitForEnvironment(id, 'sandbox', 'ready');
  t.equal((await stack.developer.api('POST', `/backend-services/${id}/submit`)).status, 200);
  t.equal((await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status, 200);
  const production = (await stack.waitForEnvironment(id, 'production', 'ready')).environments.production;
  const constants = production.bulkExport as ExportUrls;
  const base = `${stack.emulators.production.url}/Organization/org-acme-health/fhir`;
  t.equal(constants.systemUrl, `${base}/$export`, "the export URLs are under the organization's base");
  const token = await accessToken(t, production.tokenUrl, clientId, await productionSecret(stack, id));
  // org-acme-health holds test-pt-1 and test-pt-2, its child org-acme-health-east test-pt-3; org-beacon-mutual the rest.
  const own = ['test-pt-1', 'test-pt-2', 'test-pt-3'];
  for (const url of [constants.systemUrl, constants.groupUrlTemplate.replace('{id}', 'group-all-members')]) {
    const { manifest } = await exportAndDownload(t, `${url}?_type=Patient,Coverage`, token, permittedPatientOrCoverage);
    const patients = new Set<string>();
    for (const file of manifest.output ?? []) {
      for (const resource of await exportedResources(file.url ?? '', token)) {
        patients.add(resource.resourceType === 'Patient' ? resource.id : resource.beneficiary.reference.split('/')[1]);
      }
    }
    t.same([...patients].sort(), own, `${url}: the organization's and its child's members, no one else's`);
  }
  const root = await kickOffExport(`${stack.emulators.production.url}/fhir/$export?_type=Patient`, token);
  t.equal(root.status, 403, 'the root base is refused');
  const other = await kickOffExport(
    `${stack.emulators.production.url}/Organization/org-beacon-mutual/fhir/$export?_type=Patient`,
    token,
  );
  t.equal(other.status, 403, "another organization's base is refused");
});
