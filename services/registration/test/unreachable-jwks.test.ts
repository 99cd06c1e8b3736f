// One request must never stop the process: the real server, started as production starts it, is sent every kind of
// JWKS URI that cannot be fetched (no route over IPv4 and IPv6, refused, reset, TLS failures, no answer, DNS
// failure, several addresses of which some fail), in development mode (loopback allowed) and production mode, and
// must answer each with a failing report or a jwks_invalid problem and keep serving.
//
// The server runs in a network namespace where only loopback exists (`unshare -n`, which needs root or user
// namespaces), with /etc/hosts bind-mounted to map the test's names: an unroutable address fails in the kernel at
// once, as on a host without that route, and no packet can leave the machine.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import type { Observation } from './fixtures/unreachable-jwks-probe.ts';

const PROBE = fileURLToPath(new URL('./fixtures/unreachable-jwks-probe.ts', import.meta.url));

/** What the namespace's /etc/hosts says; `missing.partner.invalid` is left out on purpose (a DNS failure). */
const HOSTS = [
  '127.0.0.1 localhost',
  '::1 localhost',
  '93.184.216.34 no-route-v4.partner.test',
  '2606:2800:220:1::1 no-route-v6.partner.test',
  '93.184.216.34 no-route-both.partner.test',
  '2606:2800:220:1::1 no-route-both.partner.test',
  // The first address refuses (nothing listens on 127.0.0.3), the second serves the key set.
  '127.0.0.3 several.partner.test',
  '127.0.0.1 several.partner.test',
  '127.0.0.1 loopback.partner.test',
];

/** `unshare` as root, or inside a user namespace where that is allowed; undefined when neither works here. */
function unshareCommand(): string[] | undefined {
  for (const flags of [
    ['-n', '-m'],
    ['-r', '-n', '-m'],
  ]) {
    const probe = spawnSync('unshare', [...flags, 'true'], { stdio: 'ignore' });
    if (probe.status === 0) return ['unshare', ...flags];
  }
  return undefined;
}

async function observe(t: Test): Promise<{ observations: Observation[]; alive: Record<string, boolean> }> {
  const unshare = unshareCommand();
  if (!unshare) throw new Error('this test needs `unshare -n -m` (root, or unprivileged user namespaces)');
  const work = await mkdtemp(join(tmpdir(), 'unreachable-hosts-'));
  t.teardown(() => rm(work, { recursive: true, force: true }));
  const hostsFile = join(work, 'hosts');
  await writeFile(hostsFile, `${HOSTS.join('\n')}\n`);
  const script = 'ip link set lo up && mount --bind "$1" /etc/hosts && shift && exec "$@"';
  const [command = 'unshare', ...args] = unshare;
  const child = spawn(
    command,
    [...args, 'sh', '-c', script, 'probe', hostsFile, process.execPath, '--import', 'tsx', PROBE],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`the probe failed (exit ${code}):\n${stderr}\n${stdout}`);
  const lines = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Observation | { mode: string; alive: boolean });
  const alive: Record<string, boolean> = {};
  const observations: Observation[] = [];
  for (const line of lines) {
    if ('alive' in line) alive[line.mode] = line.alive;
    else observations.push(line);
  }
  return { observations, alive };
}

/** The first sentence of the report for each kind (after "the URL "). */
const EXPECTED: Record<string, RegExp> = {
  'no route (IPv4)': /^the URL could not be reached: 93\.184\.216\.34 has no network route from the portal$/,
  'no route (IPv6)': /^the URL could not be reached: 2606:2800:220:1::1 has no network route from the portal$/,
  'no route to any address':
    /^the URL could not be reached at any of its addresses: .*no network route.*; .*no network route/,
  'DNS failure': /^the URL could not be reached: host missing\.partner\.invalid (does not exist|could not be resolved)/,
  refused: /^the URL could not be reached: 127\.0\.0\.1 refused the connection$/,
  'reset during the TLS handshake': /^the URL could not be fetched securely: the server closed the connection/,
  'plain http behind https': /^the URL could not be fetched securely: the server does not speak TLS on that port/,
  'untrusted certificate': /^the URL could not be fetched securely: its certificate is (self-signed|not issued)/,
  'no answer (timeout)': /^the URL did not answer within \d+ ms$/,
};

t.test('every failing kind of JWKS URI is answered as a problem and the server keeps serving', async (t) => {
  const { observations, alive } = await observe(t);
  t.same(alive, { development: true, production: true }, 'both server processes still run after every kind');
  const kinds = (mode: string) => observations.filter((o) => o.mode === mode).map((o) => o.kind);
  t.same(
    kinds('development').sort(),
    [...Object.keys(EXPECTED), 'several addresses, the first refuses'].sort(),
    'development mode: every kind, loopback ones included',
  );
  for (const observation of observations) {
    const label = `${observation.mode}: ${observation.kind}`;
    t.equal(observation.healthAfter, 200, `${label}: still healthy`);
    if (observation.kind === 'several addresses, the first refuses') {
      t.equal(observation.check.verdict, 'pass', `${label}: the second address served the key set`);
      t.equal(observation.create.status, 201, `${label}: the service was created`);
      continue;
    }
    const expected = EXPECTED[observation.kind];
    t.equal(observation.check.status, 200, `${label}: the check answers a report`);
    t.equal(observation.check.verdict, 'fail', `${label}: that fails`);
    t.match(observation.check.problem, expected ?? /never/, `${label}: and says why`);
    t.equal(observation.create.status, 400, `${label}: create is refused`);
    t.equal(observation.create.code, 'jwks_invalid', `${label}: as an invalid key set`);
  }
  t.same(
    kinds('production'),
    ['no route (IPv4)', 'no route (IPv6)', 'no route to any address', 'DNS failure'],
    'production mode: the kinds that need no loopback',
  );
});
