// Bulk export through the AccessPolicy the mapping writes, end to end: clients provisioned as the provisioner does
// (mapped Client and policy, written by the portal's provisioning client), tokens from the token endpoint, and real
// exports on the contract target (the emulator as production runs it, OrgBAC on, sample data; or a real Aidbox).
import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { accessPolicyResource, clientResource, createAidboxClient, type ServiceSpec } from '../src/index.ts';
import { clientCredentialsToken } from './helpers/service-client.ts';
import { contractTarget, type Target } from './helpers/target.ts';

const target = await contractTarget(t);
if (typeof target === 'string') {
  // Skipped with its reason, as the contract suite does.
  t.test('bulk export end to end', { skip: target }, () => undefined);
} else {
  t.comment(`bulk export against ${target.description}`);
  await exportTests(target);
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** A service provisioned with `scopes` (and an organization binding), and a function that calls its Aidbox. */
async function provisioned(
  t: Test,
  target: Target,
  scopes: string[],
  overrides: Partial<ServiceSpec> = {},
): Promise<(method: string, url: string, body?: unknown) => Promise<Answer>> {
  const aidbox = createAidboxClient({ ...target.connection, timeoutMs: 10_000 });
  const secret = `pbx_cs_${randomBytes(12).toString('hex')}`;
  const spec: ServiceSpec = {
    clientId: target.newClientId(),
    authMethod: 'client_secret',
    jwksUri: null,
    scopeVersion: 'v2',
    scopes,
    organizationId: null,
    ...overrides,
  };
  await aidbox.putClient(clientResource(spec, { active: true, secret }));
  await aidbox.putAccessPolicy(accessPolicyResource(spec));
  const base = target.connection.baseUrl.replace(/\/+$/, '');
  const token = await clientCredentialsToken(t, base, spec.clientId, secret);
  return async (method, url, body) => {
    const response = await fetch(url.startsWith('http') ? url : `${base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/fhir+json',
        prefer: 'respond-async',
        ...(body !== undefined && { 'content-type': 'application/fhir+json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    // Manifests and outcomes are JSON; export files (application/fhir+ndjson) stay text.
    const type = response.headers.get('content-type') ?? '';
    const json = /json/.test(type) && !/ndjson/.test(type) && text ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: json };
  };
}

type Call = Awaited<ReturnType<typeof provisioned>>;

/** Polls the status URL as Retry-After says (at most a minute) until it stops answering 202. */
async function completed(call: Call, statusUrl: string): Promise<Answer> {
  const deadline = Date.now() + 60_000;
  let answer = await call('GET', statusUrl);
  while (answer.status === 202 && Date.now() < deadline) {
    const seconds = Math.min(Math.max(Number(answer.headers.get('retry-after')) || 1, 1), 10);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    answer = await call('GET', statusUrl);
  }
  return answer;
}

/** Every resource of every output file, downloaded with the token when the manifest says so. */
async function exportedResources(call: Call, manifest: any): Promise<{ resourceType: string }[]> {
  const resources: { resourceType: string }[] = [];
  for (const file of manifest.output as { url: string }[]) {
    const answer = manifest.requiresAccessToken
      ? await call('GET', file.url)
      : await fetch(file.url).then(async (r) => ({ status: r.status, body: await r.text() }));
    if (answer.status !== 200) throw new Error(`download ${file.url}: ${answer.status}`);
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    resources.push(
      ...text
        .split('\n')
        .filter((line: string) => line !== '')
        .map((line: string) => JSON.parse(line)),
    );
  }
  return resources;
}

/** Runs one export from `kickOffUrl` to its manifest, and cancels it (removing its files) afterwards. */
async function runExport(t: Test, call: Call, kickOffUrl: string): Promise<{ manifest: any; resources: any[] }> {
  const start = await call('GET', kickOffUrl);
  t.equal(start.status, 202, `kick-off ${kickOffUrl}`);
  const statusUrl = start.headers.get('content-location') ?? '';
  t.match(statusUrl, /\/\$export-status\/[^/]+$/, 'Content-Location names the status URL');
  const done = await completed(call, statusUrl);
  t.equal(done.status, 200, 'the manifest once the export completes');
  const resources = await exportedResources(call, done.body);
  const cancel = await call('DELETE', statusUrl);
  t.equal(cancel.status, 202, 'cancel (delete) after reading');
  return { manifest: done.body, resources };
}

async function exportTests(target: Target): Promise<void> {
  t.test('a Patient and Coverage client exports those types only, at each level', async (t) => {
    const call = await provisioned(t, target, ['system/Patient.rs', 'system/Coverage.rs']);
    for (const url of [
      '/fhir/$export?_type=Patient,Coverage',
      '/fhir/Patient/$export?_type=Patient,Coverage',
      '/fhir/Group/group-all-members/$export?_type=Patient,Coverage',
    ]) {
      const { manifest, resources } = await runExport(t, call, url);
      t.ok(
        (manifest.output as { type: string }[]).every((file) => ['Patient', 'Coverage'].includes(file.type)),
        'the manifest lists permitted types only',
      );
      t.ok(resources.length > 0, `${resources.length} resources exported`);
      t.same([...new Set(resources.map((resource) => resource.resourceType))].sort(), ['Coverage', 'Patient']);
    }
  });

  t.test('a Patient-only client never receives another type', async (t) => {
    const call = await provisioned(t, target, ['system/Patient.rs']);
    const { resources } = await runExport(t, call, '/fhir/$export?_type=Patient');
    t.ok(resources.length > 0);
    t.ok(
      resources.every((resource) => resource.resourceType === 'Patient'),
      'Patients only',
    );
  });

  t.test('refuses out-of-scope and overriding kick-offs with 403', async (t) => {
    const call = await provisioned(t, target, ['system/Patient.rs']);
    for (const [method, url, body] of [
      ['GET', '/fhir/$export?_type=Observation'],
      ['GET', '/fhir/$export?_type=Patient,Observation'],
      ['GET', '/fhir/$export'],
      ['GET', '/fhir/$export?_type=Patient&_aidbox.storageBucket=elsewhere'],
      ['GET', '/fhir/$export?_type=Patient&%5Faidbox.storageBucket=elsewhere'],
      ['GET', '/fhir/$export?_type=Patient&_typeFilter=Patient%3Factive%3Dtrue'],
      [
        'POST',
        '/fhir/Patient/$export',
        { resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Patient' }] },
      ],
    ] as const) {
      t.equal((await call(method, url, body)).status, 403, `${method} ${url}`);
    }
    const noExport = await provisioned(t, target, ['system/Patient.r', 'system/Coverage.s']);
    t.equal((await noExport('GET', '/fhir/$export?_type=Patient')).status, 403, 'no rs grant, no export');
  });

  t.test('a v1 system/*.read client kicks off without a query string, and may cancel', async (t) => {
    const call = await provisioned(t, target, ['system/*.read'], { scopeVersion: 'v1' });
    const start = await call('GET', '/fhir/Group/group-east-members/$export');
    t.equal(start.status, 202);
    const statusUrl = start.headers.get('content-location') ?? '';
    t.equal((await call('DELETE', statusUrl)).status, 202, 'cancelled');
    const override = await call('GET', '/fhir/$export?_aidbox.storageBucket=elsewhere');
    t.equal(override.status, 403, 'but never with a storage override');
  });

  t.test("a bound client exports through its organization's base only", async (t) => {
    const organization = 'org-acme-health';
    const call = await provisioned(t, target, ['system/Patient.rs'], { organizationId: organization });
    const { resources } = await runExport(t, call, `/Organization/${organization}/fhir/$export?_type=Patient`);
    t.ok(resources.every((resource) => resource.resourceType === 'Patient'));
    t.equal((await call('GET', '/fhir/$export?_type=Patient')).status, 403, 'not on the root base');
    t.equal(
      (await call('GET', '/Organization/org-beacon-mutual/fhir/$export?_type=Patient')).status,
      403,
      "not on another organization's base",
    );
  });
}
