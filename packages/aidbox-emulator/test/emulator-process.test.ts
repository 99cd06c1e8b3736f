import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

function run(t: Test, env: Record<string, string>): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/emulator.ts'], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return child;
}

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  let buffered = '';
  for await (const chunk of child.stdout) {
    buffered += String(chunk);
    if (buffered.includes('\n')) return buffered.split('\n')[0] ?? '';
  }
  return buffered;
}

t.test('the emulator process prints its URL, answers, and stops cleanly on SIGTERM', async (t) => {
  const child = run(t, {
    EMULATOR_ADMIN_CLIENT_SECRET: 'process-secret',
    EMULATOR_NAME: 'sandbox',
    EMULATOR_ASSERTION_ALGORITHMS: 'RS384',
  });
  const line = await firstLine(child);
  const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
  t.ok(url, `printed its URL: ${line}`);
  const health = await fetch(`${url}/health`);
  t.equal(health.status, 200);
  const admin = await fetch(`${url}/Organization`, {
    headers: { authorization: `Basic ${Buffer.from('root:process-secret').toString('base64')}` },
  });
  t.equal(admin.status, 200, 'the admin client id defaults to root');
  const configuration = await fetch(`${url}/.well-known/smart-configuration`);
  t.same(
    ((await configuration.json()) as Record<string, unknown>).token_endpoint_auth_signing_alg_values_supported,
    ['RS384'],
    'advertises the algorithms EMULATOR_ASSERTION_ALGORITHMS names',
  );
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0);
});

t.test('the emulator process refuses bad configuration and lists every problem', async (t) => {
  const child = run(t, {
    EMULATOR_PORT: 'eighty',
    EMULATOR_DROP_RATE: '1.5',
    EMULATOR_SEED: 'maybe',
    EMULATOR_ASSERTION_ALGORITHMS: 'RS384,HS256',
    EMULATOR_JWKS_CACHE_SECONDS: 'soon',
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const [code] = await once(child, 'exit');
  t.equal(code, 1);
  for (const name of [
    'EMULATOR_PORT',
    'EMULATOR_DROP_RATE',
    'EMULATOR_SEED',
    'EMULATOR_ADMIN_CLIENT_SECRET',
    'EMULATOR_ASSERTION_ALGORITHMS',
    'EMULATOR_JWKS_CACHE_SECONDS',
  ]) {
    t.match(stderr, name);
  }
});
