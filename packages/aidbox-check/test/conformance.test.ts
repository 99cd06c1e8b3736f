// `pnpm aidbox:check` against the emulators as `pnpm start` runs them (the portal's init bundles, the sandbox without
// OrgBAC and with both assertion algorithms, production with OrgBAC and RS384 only): every check passes or says why
// it cannot apply, the slow key set cache check included (with a short cache), and nothing is left behind.
import { randomBytes } from 'node:crypto';
import { type AidboxEmulator, portalInitBundle, startAidboxEmulator } from '@payerbox/aidbox-emulator';
import t, { type Test } from 'tap';
import { renderTable, runConformanceChecks } from '../src/index.ts';
import type { CheckTarget, Environment } from '../src/target.ts';

const ROOT = { id: 'root', secret: randomBytes(16).toString('hex') };

async function emulator(t: Test, environment: Environment): Promise<{ aidbox: AidboxEmulator; target: CheckTarget }> {
  const { initBundle, credentials } = portalInitBundle(environment);
  const production = environment === 'production';
  const aidbox = await startAidboxEmulator({
    adminClient: ROOT,
    name: environment,
    initBundle,
    orgbac: production,
    assertionAlgorithms: production ? ['RS384'] : ['RS384', 'ES384'],
    // Short, so that the key set cache check proves the pick-up in seconds rather than 5 minutes.
    jwksCache: { ttlMs: 1_500 },
  });
  t.teardown(() => aidbox.close());
  return {
    aidbox,
    target: {
      environment,
      url: aidbox.url,
      provisioner: credentials.provisioner,
      reader: credentials.reader,
      source: 'environment',
      orgbac: production,
      organizationId: undefined,
    },
  };
}

/** The Clients of the portal's form (`bs-…`) the emulator holds, read as root. */
async function portalClients(aidbox: AidboxEmulator): Promise<string[]> {
  const response = await fetch(`${aidbox.url}/Client?_count=1000`, {
    headers: { authorization: `Basic ${Buffer.from(`${ROOT.id}:${ROOT.secret}`).toString('base64')}` },
  });
  const bundle = (await response.json()) as { entry?: { resource: { id: string } }[] };
  return (bundle.entry ?? []).map((entry) => entry.resource.id).filter((id) => id.startsWith('bs-'));
}

/** The checks that apply only where OrgBAC is on (production here). */
const ORGBAC_CHECKS = [
  'orgbac.bound-client-reads-its-base',
  'orgbac.query-cannot-move-organization',
  'orgbac.write-by-method-and-path',
  'orgbac.smart-configuration-under-base',
  'orgbac.bound-client-exports-through-its-base',
];

for (const environment of ['sandbox', 'production'] as const) {
  t.test(`every check passes against the ${environment} emulator, and the run cleans up after itself`, async (t) => {
    const { aidbox, target } = await emulator(t, environment);
    const report = await runConformanceChecks(target, { slow: true, keyCachePollMs: 250, keyCacheMaxWaitMs: 15_000 });
    const table = renderTable(report.results);
    t.same(
      report.results.filter((result) => result.verdict === 'fail').map((result) => `${result.id}: ${result.observed}`),
      [],
      'no check fails',
      { table },
    );
    const skipped = report.results.filter((result) => result.verdict === 'skipped').map((result) => result.id);
    t.same(skipped, environment === 'sandbox' ? ORGBAC_CHECKS : [], 'skipped only what does not apply');
    t.ok(report.results.length >= 25, `${report.results.length} checks ran`);
    t.same(await portalClients(aidbox), [], 'no throwaway client is left');
  });
}
