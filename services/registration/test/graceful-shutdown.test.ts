import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { buildTestApp, createUser, TEST_KEYRING, testDatabaseUrl, UNMET_ADDRESS_LIMITS } from './helpers/app.ts';
import { TEST_KEYS } from './helpers/jwks-server.ts';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const JWKS_DELAY_MS = 1_500;

/** The real server process on an ephemeral loopback port; resolves with its base URL once it listens. */
async function startServer(t: Test, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: {
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      HOST: '127.0.0.1',
      PORT: '0',
      PORTAL_MODE: 'development',
      ALLOW_LOOPBACK_JWKS: 'true',
      LOG_LEVEL: 'info',
      SECRET_ENCRYPTION_KEYS: TEST_KEYRING,
      SANDBOX_AIDBOX_PUBLIC_URL: 'https://sandbox.aidbox.test',
      PRODUCTION_AIDBOX_PUBLIC_URL: 'https://aidbox.test',
      ...UNMET_ADDRESS_LIMITS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const logs: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => logs.push(chunk));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not listen:\n${logs.join('')}`)), 30_000);
    let rest = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        const found = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (found?.[1]) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${logs.join('\n')}`)));
  });
  return { child, baseUrl, exit, logs };
}

/** A key set server on loopback that answers only after `delayMs`. */
async function startSlowJwks(t: Test, delayMs: number) {
  const server = createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [TEST_KEYS.rsa] }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
}

t.test('on SIGTERM finishes the request in flight, refuses new connections and exits 0', async (t) => {
  // A user and token in the shared test database, made in-process; the spawned server reads the same rows.
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const jwksUri = await startSlowJwks(t, JWKS_DELAY_MS);
  const server = await startServer(t, { SHUTDOWN_GRACE_MS: '8000' });
  const headers = { authorization: `Bearer ${dev.token}`, 'content-type': 'application/json' };
  t.equal((await fetch(`${server.baseUrl}/api/ready`)).status, 200, 'ready before');

  const started = Date.now();
  const inFlight = fetch(`${server.baseUrl}/api/v1/jwks-checks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jwksUri }),
    signal: AbortSignal.timeout(15_000),
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const signalledAt = Date.now();
  server.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));

  // Readiness never answers 200 again: a new connection is refused (or, were one open, Fastify answers 503).
  const readiness = await fetch(`${server.baseUrl}/api/ready`, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.status,
    () => 'refused',
  );
  t.not(readiness, 200, `readiness during the drain: ${readiness}`);
  const fresh = await fetch(`${server.baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.status,
    (error: Error) => (error.cause as { code?: string } | undefined)?.code ?? error.name,
  );
  t.equal(fresh, 'ECONNREFUSED', 'a new connection is refused while draining');

  const response = await inFlight;
  t.equal(response.status, 200, 'the request in flight completes');
  t.match(await response.json(), { keys: [{ kid: 'rsa-1' }] });
  t.ok(Date.now() - started >= JWKS_DELAY_MS, 'it really was slow');
  const { code, at } = await server.exit;
  t.equal(code, 0, 'exits 0');
  t.ok(at - signalledAt < 8_000, `within the grace period (${at - signalledAt} ms)`);
  t.ok(at - signalledAt >= JWKS_DELAY_MS - 600, 'after the request finished');
});

t.test('exits 1 when a request outlives SHUTDOWN_GRACE_MS', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const jwksUri = await startSlowJwks(t, 5_000);
  const server = await startServer(t, { SHUTDOWN_GRACE_MS: '500' });
  const inFlight = fetch(`${server.baseUrl}/api/v1/jwks-checks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jwksUri }),
    signal: AbortSignal.timeout(15_000),
  }).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const signalledAt = Date.now();
  server.child.kill('SIGTERM');
  const { code, at } = await server.exit;
  await inFlight;
  t.equal(code, 1);
  t.ok(at - signalledAt < 3_000, `the grace period bounds the drain (${at - signalledAt} ms)`);
});
