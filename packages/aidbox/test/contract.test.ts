// The contract between our Aidbox client and Aidbox: runs against the emulator by default and against a real
// Aidbox when AIDBOX_CONTRACT_URL, AIDBOX_CONTRACT_CLIENT_ID and AIDBOX_CONTRACT_CLIENT_SECRET are set.
import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import {
  type AidboxClient,
  accessPolicyId,
  accessPolicyMatches,
  accessPolicyResource,
  clientMatches,
  clientResource,
  createAidboxClient,
  type ServiceSpec,
  TENANT_ORGANIZATION_EXTENSION_URL,
} from '../src/index.ts';
import { failure } from './helpers/failure.ts';
import { clientCredentialsToken } from './helpers/service-client.ts';
import { contractTarget } from './helpers/target.ts';

const target = await contractTarget(t);

if (typeof target === 'string') {
  // Skipped with its reason, so a run that could not reach any Aidbox says so rather than passing quietly.
  t.test('the contract suite', { skip: target }, () => undefined);
} else {
  t.comment(`contract suite against ${target.description}`);
  const aidbox = createAidboxClient({ ...target.connection, timeoutMs: 10_000 });
  // Organizations are read as the read-only client (the registration service's), which may do nothing else.
  const reader = target.reader && createAidboxClient({ ...target.reader, timeoutMs: 10_000 });
  const noReader = 'AIDBOX_CONTRACT_READER_CLIENT_ID and _SECRET are not set';

  const service = (clientId: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec => ({
    clientId,
    authMethod: 'jwks_uri',
    jwksUri: 'https://partner.example/.well-known/jwks.json',
    scopeVersion: 'v2',
    scopes: ['system/Coverage.rs', 'system/Patient.rs'],
    organizationId: null,
    ...overrides,
  });

  /** A client-secret Client bound to org-acme-health with `scope`, as the portal maps one, and its token. */
  const boundSecretClient = async (t: Test, scope: string) => {
    const clientId = target.newClientId();
    const secret = `pbx_cs_${randomBytes(16).toString('hex')}`;
    const spec = service(clientId, {
      authMethod: 'client_secret',
      jwksUri: null,
      scopes: [scope],
      organizationId: 'org-acme-health',
    });
    await aidbox.putClient(clientResource(spec, { active: true, secret }));
    await aidbox.putAccessPolicy(accessPolicyResource(spec));
    const base = target.connection.baseUrl.replace(/\/+$/, '');
    return { base, token: await clientCredentialsToken(t, base, clientId, secret, scope) };
  };

  t.test('upserts a Client: 201 when created, 200 when replaced', async (t) => {
    const desired = clientResource(service(target.newClientId()), { active: true });
    const first = await aidbox.putClient(desired);
    t.equal(first.created, true);
    t.equal(first.resource.id, desired.id);
    const second = await aidbox.putClient({ ...desired, scope: ['system/Patient.rs'] });
    t.equal(second.created, false);
    t.same(second.resource.scope, ['system/Patient.rs']);
  });

  t.test('reads a Client back as it was written, without its secret', async (t) => {
    const spec = service(target.newClientId(), { authMethod: 'client_secret', jwksUri: null });
    const desired = clientResource(spec, { active: true, secret: `pbx_cs_${randomBytes(16).toString('hex')}` });
    await aidbox.putClient(desired);
    const stored = await aidbox.getClient(desired.id);
    t.ok(stored);
    t.notOk(stored?.secret === desired.secret, 'the plaintext secret is never returned');
    t.ok(clientMatches(desired, stored), 'the stored client matches what was written');
    t.equal(await aidbox.getClient(target.newClientId()), undefined);
  });

  t.test('deactivates a Client with a merge patch and keeps its other fields', async (t) => {
    const desired = clientResource(service(target.newClientId()), { active: true });
    await aidbox.putClient(desired);
    const patched = await aidbox.patchClient(desired.id, { active: false });
    t.equal(patched.active, false);
    const stored = await aidbox.getClient(desired.id);
    t.equal(stored?.active, false);
    t.same(stored?.scope, desired.scope);
    t.equal(stored?.jwks_uri, desired.jwks_uri);
    t.ok(clientMatches({ ...desired, active: false }, stored));
  });

  t.test('deletes a Client: existed the first time, already gone the second', async (t) => {
    const desired = clientResource(service(target.newClientId()), { active: true });
    await aidbox.putClient(desired);
    t.same(await aidbox.deleteClient(desired.id), { existed: true });
    t.same(await aidbox.deleteClient(desired.id), { existed: false });
    t.equal(await aidbox.getClient(desired.id), undefined);
  });

  t.test('upserts an AccessPolicy: 201 when created, 200 when replaced', async (t) => {
    const policy = accessPolicyResource(service(target.newClientId()));
    const first = await aidbox.putAccessPolicy(policy);
    t.equal(first.created, true);
    const second = await aidbox.putAccessPolicy({ ...policy, description: 'replaced' });
    t.equal(second.created, false);
    t.equal(second.resource.description, 'replaced');
  });

  t.test('reads an AccessPolicy back as it was written', async (t) => {
    const policy = accessPolicyResource(service(target.newClientId()));
    await aidbox.putAccessPolicy(policy);
    t.ok(accessPolicyMatches(policy, await aidbox.getAccessPolicy(policy.id)));
    t.equal(await aidbox.getAccessPolicy(accessPolicyId(target.newClientId())), undefined);
  });

  t.test('refuses the provisioning client a merge patch of an AccessPolicy, which could drop its links', async (t) => {
    const policy = accessPolicyResource(service(target.newClientId()));
    await aidbox.putAccessPolicy(policy);
    const error = await failure(aidbox.patchAccessPolicy(policy.id, { link: null }));
    t.equal(error.status, 403);
    t.ok(accessPolicyMatches(policy, await aidbox.getAccessPolicy(policy.id)), 'the policy is unchanged');
  });

  t.test('deletes an AccessPolicy: existed the first time, already gone the second', async (t) => {
    const policy = accessPolicyResource(service(target.newClientId()));
    await aidbox.putAccessPolicy(policy);
    t.same(await aidbox.deleteAccessPolicy(policy.id), { existed: true });
    t.same(await aidbox.deleteAccessPolicy(policy.id), { existed: false });
  });

  t.test('refuses an invalid Client with 422 (400 outside FHIR compliant mode) and an OperationOutcome', async (t) => {
    const desired = clientResource(service(target.newClientId()), { active: true });
    const invalid = { ...desired, active: 'yes' } as unknown as AidboxClient;
    const error = await failure(aidbox.putClient(invalid));
    t.ok(error.status === 422 || error.status === 400, `status ${error.status}`);
    t.equal(error.outcome?.resourceType, 'OperationOutcome');
    t.ok((error.outcome?.issue.length ?? 0) > 0);
    t.equal(error.retryable, false);
    t.equal(await aidbox.getClient(desired.id), undefined, 'nothing was stored');
  });

  t.test('answers wrong credentials with 401 and keeps the secret out of the error', async (t) => {
    const wrongSecret = `${target.connection.clientSecret}-wrong`;
    const intruder = createAidboxClient({ ...target.connection, clientSecret: wrongSecret });
    const error = await failure(intruder.getClient(target.newClientId()));
    t.equal(error.status, 401);
    t.equal(error.retryable, false);
    t.notMatch(`${error.message} ${JSON.stringify(error.outcome ?? {})}`, wrongSecret);
  });

  t.test('reports health', async (t) => {
    t.ok((await aidbox.health()) !== undefined);
  });

  t.test('publishes a SMART configuration with a token endpoint', async (t) => {
    const configuration = (await aidbox.smartConfiguration()) as { token_endpoint?: unknown };
    t.type(configuration.token_endpoint, 'string');
    t.match(configuration.token_endpoint, /\/auth\/token$/);
  });

  t.test('lets a token of the mapped Client do what its scopes say and nothing else', async (t) => {
    const clientId = target.newClientId();
    const secret = `pbx_cs_${randomBytes(16).toString('hex')}`;
    const spec = service(clientId, { authMethod: 'client_secret', jwksUri: null, scopes: ['system/Patient.rs'] });
    await aidbox.putClient(clientResource(spec, { active: true, secret }));
    await aidbox.putAccessPolicy(accessPolicyResource(spec));
    const base = target.connection.baseUrl.replace(/\/+$/, '');
    const token = await clientCredentialsToken(t, base, clientId, secret, 'system/Patient.rs');
    const search = (type: string) =>
      fetch(`${base}/fhir/${type}?_count=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    t.equal(await search('Patient'), 200);
    t.equal(await search('Claim'), 403);
  });

  t.test('lists organizations, each parent as a FHIR reference', { skip: !reader && noReader }, async (t) => {
    const organizations = (await reader?.listOrganizations()) ?? [];
    t.ok(Array.isArray(organizations));
    for (const organization of organizations) {
      t.equal(organization.resourceType, 'Organization');
      if (organization.partOf) t.match(organization.partOf.reference, /^Organization\/[^/]+$/);
    }
    if (!target.real) {
      t.match(organizations.find((o) => o.id === 'org-acme-health-east')?.partOf, {
        reference: 'Organization/org-acme-health',
      });
    }
  });

  t.test('reads a Client bound to an organization back with its binding, as written', async (t) => {
    const spec = service(target.newClientId(), { organizationId: 'org-acme-health' });
    const desired = clientResource(spec, { active: true });
    await aidbox.putClient(desired);
    const stored = await aidbox.getClient(desired.id);
    t.ok(clientMatches(desired, stored), 'the stored client matches what was written');
    t.notOk(clientMatches(clientResource({ ...spec, organizationId: 'org-elsewhere' }, { active: true }), stored));
    t.ok(
      stored?.meta?.extension?.some((e) => e.url === TENANT_ORGANIZATION_EXTENSION_URL),
      'the binding is kept',
    );
  });

  t.test('reads the AccessPolicy of an organization-bound client back as written', async (t) => {
    const spec = service(target.newClientId(), { organizationId: 'org-acme-health' });
    const policy = accessPolicyResource(spec);
    await aidbox.putAccessPolicy(policy);
    t.ok(accessPolicyMatches(policy, await aidbox.getAccessPolicy(policy.id)));
  });

  t.test(
    'lets a token of a Client bound to an organization reach its subtree through its base, and no more',
    { skip: !reader && noReader },
    async (t) => {
      const known = new Set(((await reader?.listOrganizations()) ?? []).map((o) => o.id));
      const sample = ['org-acme-health', 'org-acme-health-east', 'org-beacon-mutual'];
      if (!sample.every((id) => known.has(id))) {
        t.plan(0, `the target lacks the sample organizations (${sample.join(', ')}) and their patients`);
        return;
      }
      const { base, token } = await boundSecretClient(t, 'system/Patient.rs');
      const read = (path: string) =>
        fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      t.equal(await read('/Organization/org-acme-health/fhir/Patient/test-pt-1'), 200, 'its own patient');
      t.equal(await read('/Organization/org-acme-health/fhir/Patient/test-pt-3'), 200, "its child's patient");
      t.equal(await read('/Organization/org-acme-health/fhir/Patient?_count=1'), 200, 'a search');
      t.equal(await read('/Organization/org-acme-health/fhir/Patient/test-pt-4'), 403, "another's patient");
      t.equal(await read('/Organization/org-beacon-mutual/fhir/Patient/test-pt-4'), 403, "another's base");
      // Whichever of route and query wins in `params`, the policy's uri names the base the request went through.
      t.equal(await read('/fhir/Patient?organization%2Fid=org-acme-health'), 403, 'the root base, org in the query');
      t.equal(
        await read('/Organization/org-beacon-mutual/fhir/Patient?organization%2Fid=org-acme-health'),
        403,
        "another's base, its own org in the query",
      );
    },
  );

  t.test(
    'lets a token of a Client bound to an organization create, update and delete through its base by method and path',
    { skip: !reader && noReader },
    async (t) => {
      const known = new Set(((await reader?.listOrganizations()) ?? []).map((o) => o.id));
      if (!known.has('org-acme-health') || !known.has('org-beacon-mutual')) {
        t.plan(0, 'the target lacks the sample organizations org-acme-health and org-beacon-mutual');
        return;
      }
      const { base, token } = await boundSecretClient(t, 'system/Observation.cud');
      const send = (method: string, path: string, body?: unknown) =>
        fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
      const observation = { resourceType: 'Observation', status: 'final', code: { text: 'contract' } };
      const created = await send('POST', '/Organization/org-acme-health/fhir/Observation', observation);
      t.equal(created.status, 201, 'create');
      const id = ((await created.json()) as { id: string }).id;
      const path = `/Organization/org-acme-health/fhir/Observation/${id}`;
      t.equal((await send('PUT', path, { ...observation, id, status: 'amended' })).status, 200, 'update');
      t.equal((await send('DELETE', path)).status, 200, 'delete');
      t.equal(
        (await send('POST', '/Organization/org-beacon-mutual/fhir/Observation', observation)).status,
        403,
        "another's base",
      );
      t.equal((await send('POST', '/fhir/Observation', observation)).status, 403, 'the root base');
    },
  );
}
