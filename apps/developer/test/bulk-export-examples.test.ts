// Runs the service page's bulk export scripts exactly as the page shows them (written to a file, run with node or
// bash), against the sandbox emulator with services provisioned as the portal does, and reads what they wrote.
import { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendService } from '@payerbox/api-client';
import { startJwksServer } from '@payerbox/browser-testing';
import { type LocalStack, startLocalStack } from '@payerbox/dev-stack/local-stack';
import t, { type Test } from 'tap';
import { bulkExportCurlExample, bulkExportNodeExample } from '../src/features/backend-services/examples/bulk-export.ts';
import { CURL, run, scriptFolder } from './helpers/example-scripts.ts';

let stack: LocalStack;
t.before(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  stack = await startLocalStack(url);
  await stack.startWorker();
});
t.teardown(() => stack?.close());

/** The NDJSON files the script wrote into its `bulk-export-*` folder: type (file name) to parsed lines. */
async function writtenExport(t: Test, folder: string): Promise<Map<string, { resourceType: string }[]>> {
  const made = (await readdir(folder)).filter((entry) => entry.startsWith('bulk-export-'));
  const files = new Map<string, { resourceType: string }[]>();
  if (!t.equal(made.length, 1, 'the script made one output folder')) return files;
  const out = join(folder, made[0] ?? '');
  for (const file of await readdir(out)) {
    const lines = (await readFile(join(out, file), 'utf8')).split('\n').filter((line) => line !== '');
    files.set(
      file.replace(/\.ndjson$/, ''),
      lines.map((line) => JSON.parse(line)),
    );
  }
  return files;
}

/** Checks the export holds every one of `types`, and nothing else, each line a resource of its file's type. */
function expectExportOf(t: Test, files: Map<string, { resourceType: string }[]>, types: string[], what: string) {
  t.same([...files.keys()].sort(), types, `${what}: a file for each permitted type, and only those`);
  for (const [type, resources] of files) {
    t.ok(resources.length > 0, `${what}: ${type} holds resources`);
    t.ok(
      resources.every((resource) => resource.resourceType === type),
      `${what}: every line of ${type}.ndjson parses as a ${type}`,
    );
  }
}

async function serviceView(id: string): Promise<BackendService> {
  const response = await stack.developer.api('GET', `/backend-services/${id}`);
  return response.body as BackendService;
}

t.test('the curl and Node examples of a client-secret service export its permitted types as NDJSON', async (t) => {
  const created = await stack.developer.api('POST', '/backend-services', {
    name: 'Coverage export',
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs', 'system/Coverage.rs', 'system/Observation.r'],
  });
  t.equal(created.status, 201, created.body?.code ?? 'created');
  const { id, clientSecret } = created.body as { id: string; clientSecret: string };
  await stack.waitForEnvironment(id, 'sandbox', 'ready');
  const service = await serviceView(id);
  const sandbox = service.environments.sandbox;
  if (!sandbox) throw new Error('no sandbox environment');

  const node = bulkExportNodeExample(service, sandbox, 'sandbox', ['RS384', 'ES384']);
  if (!node) throw new Error('no Node example');
  const nodeFolder = await scriptFolder(t, 'bulk-export.mjs', node);
  const nodeRun = await run(process.execPath, ['bulk-export.mjs'], nodeFolder, { CLIENT_SECRET: clientSecret });
  t.equal(nodeRun.code, 0, `node bulk-export.mjs exits 0 (${nodeRun.stderr.trim().slice(-400)})`);
  t.match(nodeRun.stdout, /Wrote \d+ Patient to bulk-export-\w+\/Patient\.ndjson/, 'and says what it wrote');
  expectExportOf(t, await writtenExport(t, nodeFolder), ['Coverage', 'Patient'], 'Node');

  const curl = bulkExportCurlExample(service, sandbox);
  if (!curl) throw new Error('no curl example');
  if (!existsSync(CURL)) {
    t.comment(`${CURL} is missing: the curl example is not run`);
    return;
  }
  const curlFolder = await scriptFolder(t, 'bulk-export.sh', curl);
  const curlRun = await run('bash', ['bulk-export.sh'], curlFolder, { CLIENT_SECRET: clientSecret });
  t.equal(curlRun.code, 0, `bash bulk-export.sh exits 0 (${curlRun.stderr.trim().slice(-400)})`);
  expectExportOf(t, await writtenExport(t, curlFolder), ['Coverage', 'Patient'], 'curl');

  const refused = await run('bash', ['bulk-export.sh'], curlFolder, { CLIENT_SECRET: 'not-the-secret' });
  t.not(refused.code, 0, 'a wrong secret stops the script');
  t.match(refused.stderr, /The token request failed/, "with the token endpoint's error");
});

t.test('the Node example of a private_key_jwt service signs with jose and exports only Patients', async (t) => {
  const jwks = await startJwksServer();
  t.teardown(() => jwks.close());
  const created = await stack.developer.api('POST', '/backend-services', {
    name: 'Patient export',
    authMethod: 'jwks_uri',
    jwksUri: jwks.url,
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.status, 201, created.body?.code ?? 'created');
  await stack.waitForEnvironment(created.body.id, 'sandbox', 'ready');
  const service = await serviceView(created.body.id);
  const sandbox = service.environments.sandbox;
  if (!sandbox) throw new Error('no sandbox environment');
  const node = bulkExportNodeExample(service, sandbox, 'sandbox', ['RS384', 'ES384']);
  if (!node) throw new Error('no Node example');

  const privateJwk = { ...KeyObject.from(jwks.privateKey).export({ format: 'jwk' }), kid: jwks.kid };
  const folder = await scriptFolder(t, 'bulk-export.mjs', node);
  const result = await run(process.execPath, ['bulk-export.mjs'], folder, { PRIVATE_JWK: JSON.stringify(privateJwk) });
  t.equal(result.code, 0, `node bulk-export.mjs exits 0 (${result.stderr.trim().slice(-400)})`);
  expectExportOf(t, await writtenExport(t, folder), ['Patient'], 'Node with private_key_jwt');
});
