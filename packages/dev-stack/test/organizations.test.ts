// Multi-organization deployments (OrgBAC) end to end: registration through the API, provisioning by a provisioner
// process with its ordinary configuration, approval, and production tokens that reach exactly their organization's
// subtree. The sandbox runs without OrgBAC, as Health Samurai's developer sandbox does: its client is unbound and
// reaches the sandbox's sample data through the plain /fhir base. The production emulator's sample tree: org-acme-health (test-pt-1, test-pt-2) with child org-acme-health-east (test-pt-3), and
// org-beacon-mutual (test-pt-4, test-pt-5).
import { accessPolicyId, TENANT_ORGANIZATION_EXTENSION_URL } from '@payerbox/aidbox';
import t from 'tap';
import { runProcess } from '../src/processes.ts';
import { fhirStatus, tokenWithSecret } from './helpers/smart-client.ts';
import { productionSecret, startStack } from './helpers/stack.ts';

const service = (overrides: Record<string, unknown> = {}) => ({
  name: `OrgBAC ${Math.random().toString(36).slice(2, 8)}`,
  authMethod: 'client_secret',
  scopeVersion: 'v2',
  scopes: ['system/Patient.rs'],
  ...overrides,
});

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

t.test(
  "a token of organization A's service reads A's data and its child organization's, and gets 403 on B's",
  async (t) => {
    const stack = await startStack(t, {}, { orgbac: true });
    // The provisioner as its own process with exactly the settings it has without OrgBAC: the organization comes
    // from the service row, nothing else has to change. A short resync interval lets a drift check run in the test.
    const env = stack.provisionerEnv({ resyncIntervalMs: 1_000 });
    t.notOk(
      Object.keys(env).some((name) => /ORG/.test(name)),
      'no organization settings for the provisioner',
    );
    const provisioner = runProcess('provisioner', 'services/provisioner/src/server.ts', env);
    t.teardown(() => provisioner.stop());

    const organizations = await stack.developer.api('GET', '/organizations');
    t.equal(organizations.status, 200);
    t.match(organizations.body, {
      enabled: true,
      organizations: [
        { id: 'org-acme-health', children: [{ id: 'org-acme-health-east', children: [] }] },
        { id: 'org-beacon-mutual', children: [] },
      ],
    });

    const created = await stack.developer.api(
      'POST',
      '/backend-services',
      service({ organizationId: 'org-acme-health' }),
    );
    t.equal(created.status, 201, created.body?.code ?? 'registered');
    const { id, clientId, clientSecret } = created.body;
    t.same(created.body.organization, { id: 'org-acme-health', name: 'Acme Health Plan', ancestors: [] });

    const sandbox = (await stack.waitForEnvironment(id, 'sandbox', 'ready')).environments.sandbox;
    const sandboxUrl = stack.emulators.sandbox.url;
    t.match(sandbox, {
      fhirBaseUrl: `${sandboxUrl}/fhir`,
      smartConfigurationUrl: `${sandboxUrl}/.well-known/smart-configuration`,
      capabilityStatementUrl: `${sandboxUrl}/fhir/metadata`,
      tokenUrl: `${sandboxUrl}/auth/token`,
    });
    const sandboxClient = stack.emulators.sandbox.resource('Client', clientId) as { meta?: { extension?: unknown } };
    t.ok(sandboxClient, 'the sandbox client exists');
    t.notOk(sandboxClient.meta?.extension, 'and is bound to no organization');
    const sandboxPolicy = stack.emulators.sandbox.resource('AccessPolicy', accessPolicyId(clientId));
    t.notOk(JSON.stringify(sandboxPolicy).includes('organization'), 'its policy has no organization condition');
    const sandboxToken = await tokenWithSecret(sandbox.tokenUrl, clientId, clientSecret);
    t.equal(sandboxToken.status, 200, sandboxToken.body.error ?? 'sandbox token');
    const sandboxAccess = sandboxToken.body.access_token as string;
    t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}/Patient/test-pt-1`, sandboxAccess), 200);
    t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}/Patient/test-pt-4`, sandboxAccess), 200, 'all sample data');
    t.equal(
      await fhirStatus(`${sandboxUrl}/Organization/org-acme-health/fhir/Patient/test-pt-1`, sandboxAccess),
      404,
      'the sandbox has no organization bases',
    );

    t.equal((await stack.developer.api('POST', `/backend-services/${id}/submit`)).status, 200);
    const review = await stack.admin.api('GET', `/admin/backend-services/${id}`);
    t.same(review.body.organization, { id: 'org-acme-health', name: 'Acme Health Plan', ancestors: [] });
    t.equal((await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status, 200);
    const production = (await stack.waitForEnvironment(id, 'production', 'ready')).environments.production;
    const productionUrl = stack.emulators.production.url;
    const base = `${productionUrl}/Organization/org-acme-health/fhir`;
    t.match(production, {
      fhirBaseUrl: base,
      smartConfigurationUrl: `${productionUrl}/.well-known/smart-configuration`,
      capabilityStatementUrl: `${base}/metadata`,
      tokenUrl: `${productionUrl}/auth/token`,
    });
    t.match(stack.emulators.production.resource('Client', clientId), {
      meta: {
        extension: [
          {
            url: TENANT_ORGANIZATION_EXTENSION_URL,
            value: { Reference: { resourceType: 'Organization', id: 'org-acme-health' } },
          },
        ],
      },
    });
    const policy = stack.emulators.production.resource('AccessPolicy', accessPolicyId(clientId)) as {
      matcho: { '$one-of': unknown[] };
    };
    t.match(policy.matcho['$one-of'], [
      {
        uri: '#^/Organization/org\\-acme\\-health/fhir/Patient(/|$)',
        params: { 'organization/id': 'org-acme-health', 'resource/type': 'Patient' },
      },
    ]);

    const token = await tokenWithSecret(production.tokenUrl, clientId, await productionSecret(stack, id));
    t.equal(token.status, 200, token.body.error ?? 'production token');
    const accessToken = token.body.access_token as string;
    t.equal(await fhirStatus(`${base}/Patient/test-pt-1`, accessToken), 200, "its own organization's patient");
    t.equal(await fhirStatus(`${base}/Patient/test-pt-3`, accessToken), 200, "its child organization's patient");
    t.equal(await fhirStatus(`${base}/Patient`, accessToken), 200, 'a search in its subtree');
    t.equal(
      await fhirStatus(`${productionUrl}/Organization/org-beacon-mutual/fhir/Patient/test-pt-4`, accessToken),
      403,
      "another organization's base",
    );
    t.equal(await fhirStatus(`${base}/Patient/test-pt-4`, accessToken), 403, "another organization's patient");
    t.equal(await fhirStatus(`${productionUrl}/fhir/Patient/test-pt-1`, accessToken), 403, 'the root FHIR base');
    t.equal(
      await fhirStatus(`${productionUrl}/fhir/Patient?organization%2Fid=org-acme-health`, accessToken),
      403,
      'the root base with its organization in the query',
    );
    t.equal(
      await fhirStatus(
        `${productionUrl}/Organization/org-beacon-mutual/fhir/Patient?organization%2Fid=org-acme-health`,
        accessToken,
      ),
      403,
      "another organization's base with its organization in the query",
    );

    const smart = await getJson(production.smartConfigurationUrl);
    t.equal(smart.status, 200, 'the SMART configuration URL answers');
    t.equal(smart.body.token_endpoint, production.tokenUrl);
    const capability = await getJson(production.capabilityStatementUrl);
    t.equal(capability.status, 200, 'the capability statement URL answers');
    t.match(capability.body, { resourceType: 'CapabilityStatement' });

    // A drift check reads the bound client and its policy back and finds nothing to repair.
    const writes = () =>
      stack.emulators.production.requests().filter((r) => r.method === 'PUT' && r.path.includes(clientId));
    const writesBefore = writes().length;
    const reads = () =>
      stack.emulators.production.requests().filter((r) => r.method === 'GET' && r.path === `/Client/${clientId}`);
    const deadline = Date.now() + 15_000;
    while (reads().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    t.ok(reads().length > 0, 'a drift check read the client back');
    await new Promise((resolve) => setTimeout(resolve, 300));
    t.equal(writes().length, writesBefore, 'and wrote nothing: the binding survives the round trip');
  },
);

t.test('a production service of a child organization does not reach its parent organization', async (t) => {
  const stack = await startStack(t, {}, { orgbac: true });
  await stack.startWorker();
  const created = await stack.developer.api(
    'POST',
    '/backend-services',
    service({ organizationId: 'org-acme-health-east' }),
  );
  t.equal(created.status, 201);
  t.same(created.body.organization, {
    id: 'org-acme-health-east',
    name: 'Acme Health Plan East',
    ancestors: [{ id: 'org-acme-health', name: 'Acme Health Plan' }],
  });
  const { id, clientId } = created.body;
  t.equal((await stack.developer.api('POST', `/backend-services/${id}/submit`)).status, 200);
  t.equal((await stack.admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status, 200);
  const production = (await stack.waitForEnvironment(id, 'production', 'ready')).environments.production;
  const productionUrl = stack.emulators.production.url;
  t.equal(production.fhirBaseUrl, `${productionUrl}/Organization/org-acme-health-east/fhir`);
  const token = await tokenWithSecret(production.tokenUrl, clientId, await productionSecret(stack, id));
  const accessToken = token.body.access_token as string;
  t.equal(await fhirStatus(`${production.fhirBaseUrl}/Patient/test-pt-3`, accessToken), 200);
  t.equal(await fhirStatus(`${production.fhirBaseUrl}/Patient/test-pt-1`, accessToken), 403, "the parent's patient");
  const parentBase = `${productionUrl}/Organization/org-acme-health/fhir`;
  t.equal(await fhirStatus(`${parentBase}/Patient/test-pt-1`, accessToken), 403, "the parent's base");
});

t.test('with OrgBAC off no organization is asked for and everything works as before', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const organizations = await stack.developer.api('GET', '/organizations');
  t.same(organizations.body, { enabled: false, organizations: [], refreshedAt: null });
  const refused = await stack.developer.api(
    'POST',
    '/backend-services',
    service({ organizationId: 'org-acme-health' }),
  );
  t.equal(refused.status, 400);
  t.match(refused.body, { code: 'validation_failed', errors: [{ path: '/body/organizationId' }] });
  const created = await stack.developer.api('POST', '/backend-services', service());
  t.equal(created.status, 201);
  t.equal(created.body.organization, null);
  const sandbox = (await stack.waitForEnvironment(created.body.id, 'sandbox', 'ready')).environments.sandbox;
  t.equal(sandbox.fhirBaseUrl, `${stack.emulators.sandbox.url}/fhir`);
  const client = stack.emulators.sandbox.resource('Client', created.body.clientId);
  t.notOk(client && 'meta' in client && (client.meta as { extension?: unknown }).extension, 'no organization binding');
  const token = await tokenWithSecret(sandbox.tokenUrl, created.body.clientId, created.body.clientSecret);
  const accessToken = token.body.access_token as string;
  t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}/Patient/test-pt-1`, accessToken), 200);
  t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}/Patient/test-pt-4`, accessToken), 200, 'every patient, as before');
  t.equal(
    stack.emulators.production.requests().filter((r) => r.path === '/Organization').length,
    0,
    'Aidbox was never asked for organizations',
  );
});
