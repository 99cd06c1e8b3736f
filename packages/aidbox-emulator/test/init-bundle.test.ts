// The init bundle: the emulator starts from the same templates docker-compose.yml gives a real Aidbox.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t, { type Test } from 'tap';
import { loadEmulatorConfig } from '../src/env-config.ts';
import {
  InitBundleError,
  PORTAL_CLIENT_IDS,
  PORTAL_INIT_BUNDLE_FILES,
  PORTAL_SECRET_VARIABLES,
  portalInitBundle,
} from '../src/index.ts';
import { SAMPLE_GROUP_IDS } from '../src/sample-groups.ts';
import { bundledSampleData, sampleDataEntries } from '../src/sandbox-bundle.ts';
import { ADMIN, basic, call, startEmulator } from './emulator-fixture.ts';

const COMPOSE_FILE = new URL('../../../docker-compose.yml', import.meta.url);

async function bundleFile(t: Test, bundle: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'init-bundle-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'bundle.json.tpl');
  await writeFile(file, typeof bundle === 'string' ? bundle : JSON.stringify(bundle));
  return file;
}

const placeholders = (text: string) => new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]));

t.test("starts with the init bundle's clients, their secrets filled in and stored only hashed", async (t) => {
  const { initBundle, credentials } = portalInitBundle('production');
  const aidbox = await startEmulator(t, { initBundle, seed: false });
  for (const { clientId, clientSecret } of [credentials.provisioner, credentials.reader]) {
    const client = await aidbox.admin('GET', `/Client/${clientId}`);
    t.match(client.body, { id: clientId, grant_types: ['basic'] });
    t.notOk(JSON.stringify(client.body).includes(clientSecret), 'the secret is never shown');
    const own = await call(`${aidbox.url}/Organization`, { headers: { authorization: basic(clientId, clientSecret) } });
    t.not(own.status, 401, `${clientId} authenticates with the secret it was given`);
  }
  t.match(aidbox.emulator.resource('AccessPolicy', 'as-portal-reader-read-organizations'), {
    link: [{ reference: 'Client/portal-reader' }],
  });
  t.equal(aidbox.emulator.resource('Organization', 'org-acme-health'), undefined, 'no sample data unless seeded');
});

t.test('fills in the placeholders as is, and refuses to start when one has no value', async (t) => {
  const { initBundle } = portalInitBundle('production');
  const { [PORTAL_SECRET_VARIABLES.reader]: _reader, ...withoutReader } = initBundle.variables;
  await t.rejects(
    startEmulator(t, { initBundle: { ...initBundle, variables: withoutReader } }),
    new InitBundleError(`the init bundle ${initBundle.path} needs a value for PORTAL_READER_SECRET`),
  );
  const quoted = { ...initBundle.variables, [PORTAL_SECRET_VARIABLES.reader]: 'a"b' };
  await t.rejects(
    startEmulator(t, { initBundle: { ...initBundle, variables: quoted } }),
    InitBundleError,
    'a " breaks the JSON',
  );
});

t.test('refuses to start when an entry of the transaction fails, as Aidbox does', async (t) => {
  const client = { resourceType: 'Client', id: 'bad', grant_types: ['no-such-grant'] };
  const path = await bundleFile(t, {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [{ request: { method: 'PUT', url: '/Client/bad' }, resource: client }],
  });
  await t.rejects(startEmulator(t, { initBundle: { path } }), /init bundle entry 0 failed: 422 .*grant_types/);
  const batch = await bundleFile(t, { resourceType: 'Bundle', type: 'batch', entry: [] });
  await t.rejects(startEmulator(t, { initBundle: { path: batch } }), InitBundleError);
  await t.rejects(startEmulator(t, { initBundle: { path: `${path}.missing` } }), InitBundleError);
});

t.test('refuses a root client whose id is also a Client of the init bundle', async (t) => {
  const { initBundle } = portalInitBundle('sandbox');
  const adminClient = { id: PORTAL_CLIENT_IDS.provisioner, secret: ADMIN.secret };
  await t.rejects(startEmulator(t, { initBundle, adminClient }), RangeError);
});

t.test('the production bundle seeds nothing but the portal clients and their policies', async (t) => {
  const bundle = JSON.parse(await readFile(PORTAL_INIT_BUNDLE_FILES.production, 'utf8'));
  const types = new Set(bundle.entry.map((entry: { request: { url: string } }) => entry.request.url.split('/')[1]));
  t.same([...types].sort(), ['AccessPolicy', 'Client'], 'no demo organizations, no patient data');
  const sandbox = JSON.parse(await readFile(PORTAL_INIT_BUNDLE_FILES.sandbox, 'utf8'));
  const portalEntries = (b: { entry: { request: { url: string } }[] }) =>
    b.entry.filter((entry) => /^\/(Client|AccessPolicy)\//.test(entry.request.url));
  t.same(portalEntries(sandbox), portalEntries(bundle), "the sandbox's portal clients and policies are the same");
});

t.test("the sandbox bundle holds the emulator's sample data, its Groups included", async (t) => {
  const sandbox = JSON.parse(await readFile(PORTAL_INIT_BUNDLE_FILES.sandbox, 'utf8'));
  t.same(
    bundledSampleData(sandbox),
    sampleDataEntries(),
    'run `pnpm --filter @payerbox/aidbox-emulator sandbox-bundle` after changing the seed',
  );
  const { initBundle } = portalInitBundle('sandbox');
  const aidbox = await startEmulator(t, { initBundle, seed: false });
  for (const id of SAMPLE_GROUP_IDS) {
    t.match(aidbox.emulator.resource('Group', id), { id }, `the bundle alone creates Group ${id}`);
  }
  const compose = await readFile(COMPOSE_FILE, 'utf8');
  t.match(compose, `SANDBOX_SAMPLE_GROUP_IDS: ${SAMPLE_GROUP_IDS.join(',')}`, 'and compose names them to the portal');
});

t.test('docker-compose.yml gives envsubst exactly the placeholders of the templates, in both boxes', async (t) => {
  const compose = await readFile(COMPOSE_FILE, 'utf8');
  const listed = /envsubst '([^']*)'/.exec(compose)?.[1] ?? '';
  const substituted = new Set([...listed.matchAll(/\$\$\{([A-Z_]+)\}/g)].map((m) => m[1]));
  for (const environment of ['sandbox', 'production'] as const) {
    const template = await readFile(PORTAL_INIT_BUNDLE_FILES[environment], 'utf8');
    t.same([...placeholders(template)].sort(), [...substituted].sort(), `${environment}: every placeholder`);
  }
  t.same([...substituted].sort(), Object.values(PORTAL_SECRET_VARIABLES).sort(), 'the names portalInitBundle fills');
  for (const name of substituted) {
    t.equal(compose.match(new RegExp(`^ {6}${name}: `, 'gm'))?.length, 2, `both boxes define ${name}`);
  }
});

t.test('the emulator process reads EMULATOR_INIT_BUNDLE and fills it in from its environment', async (t) => {
  const { initBundle } = portalInitBundle('sandbox');
  const env = { EMULATOR_ADMIN_CLIENT_SECRET: 's', EMULATOR_INIT_BUNDLE: pathToFileURL(initBundle.path).href };
  const options = loadEmulatorConfig({ ...env, ...initBundle.variables });
  t.equal(options.initBundle?.path, initBundle.path, 'a file: URL, as BOX_INIT_BUNDLE takes');
  t.equal(
    options.initBundle?.variables?.[PORTAL_SECRET_VARIABLES.provisioner],
    initBundle.variables.PORTAL_PROVISIONER_SECRET,
  );
  t.equal(loadEmulatorConfig({ ...env, EMULATOR_INIT_BUNDLE: initBundle.path }).initBundle?.path, initBundle.path);
});
