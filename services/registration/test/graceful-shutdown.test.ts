import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { buildTestApp, createUser, TEST_KEYRING, testDatabaseUrl, UNMET_ADDRESS_LIMITS } from './helpers/app.ts';
import { TEST_KEYS } from './helpers/jwks-server.ts';
import { startServerProcess } from './helpers/server-process.ts';

/** The real server process in development mode on the test database, killed when the test ends. */
async function startServer(t: Test, env: Record<string, string>) {
  const server = await startServerProcess({
    DATABASE_URL: testDatabaseUrl(),
    PORTAL_MODE: 'development',
    ALLOW_LOOPBACK_JWKS: 'true',
    LOG_LEVEL: 'info',
    SECRET_ENCRYPTION_KEYS: TEST_KEYRING,
    SANDBOX_AIDBOX_PUBLIC_URL: 'https://sandbox.aidbox.test',
    PRODUCTION_AIDBOX_PUBLIC_URL: 'https://aidbox.test',
    // Nothing listens there: the SMART configurations are assumed (RS384) without a DNS query for the names above.
    SANDBOX_AIDBOX_URL: 'http://127.0.0.1:1',
    PRODUCTION_AIDBOX_URL: 'http://127.0.0.1:1',
    ...UNMET_ADDRESS_LIMITS,
    ...env,
  });
  t.teardown(server.kill);
  return server;
}

/**
 * A key set server on loopback that holds every request until `release()`: `arrived` resolves when the first one
 * comes in, so a test knows a request is in flight (the server's outbound JWKS fetch) without guessing a delay.
 */
async function startHeldJwks(t: Test) {
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = createServer((_req, res) => {
    arrive();
    void released.then(() =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [TEST_KEYS.rsa] })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, arrived, release };
}

/** One probe of `url` on a new connection: the status, or the connection error's code (ECONNREFUSED). */
async function probe(url: string): Promise<number | string> {
  return fetch(url, { signal: AbortSignal.timeout(2_000), headers: { connection: 'close' } }).then(
    (response) => response.status,
    (error: Error) => (error.cause as { code?: string } | undefined)?.code ?? error.name,
  );
}

/** Probes `url` until `done` holds for an answer (every 50 ms, failing after `timeoutMs`); answers all probes. */
async function probeUntil(url: string, done: (answer: number | string) => boolean, timeoutMs: number) {
  const answers: (number | string)[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    answers.push(await probe(url));
    if (done(answers.at(-1) as number | string)) return answers;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} never gave the awaited answer; got ${answers.join(', ')}`);
}

/**
 * The in-flight request: a JWKS check whose key set server holds the fetch. Resolves once that fetch is held, with the
 * check's answer still to come (wrapped, so that awaiting this does not wait for it).
 */
async function startJwksCheck(baseUrl: string, token: string, jwks: Awaited<ReturnType<typeof startHeldJwks>>) {
  const response = fetch(`${baseUrl}/api/v1/jwks-checks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ jwksUri: jwks.jwksUri }),
    signal: AbortSignal.timeout(15_000),
  });
  await Promise.race([
    jwks.arrived,
    response.then((r) => Promise.reject(new Error(`the check answered ${r.status} before fetching the key set`))),
  ]);
  return { response };
}

t.test('on SIGTERM finishes the request in flight, refuses new connections and exits 0', async (t) => {
  // A user and token in the shared test database, made in-process; the spawned server reads the same rows.
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const jwks = await startHeldJwks(t);
  const server = await startServer(t, { SHUTDOWN_GRACE_MS: '8000' });
  const ready = `${server.baseUrl}/api/ready`;
  t.equal(await probe(ready), 200, 'ready before');

  const { response: inFlight } = await startJwksCheck(server.baseUrl, dev.token, jwks);
  let released = false;
  const exitedWhileHeld = server.exit.then(() => !released);
  server.child.kill('SIGTERM');
  // Until the signal is handled readiness may still pass; from its first failure on, it never passes again, and soon
  // the listener closes.
  await probeUntil(ready, (answer) => answer !== 200, 5_000);
  const draining = await probeUntil(ready, (answer) => answer === 'ECONNREFUSED', 5_000);
  t.notOk(draining.includes(200), `readiness does not pass again during the drain (${draining.join(', ')})`);
  t.equal(await probe(`${server.baseUrl}/api/health`), 'ECONNREFUSED', 'a new connection is refused while draining');

  released = true;
  jwks.release();
  const response = await inFlight;
  t.equal(response.status, 200, 'the request in flight completes');
  t.match(await response.json(), { keys: [{ kid: 'rsa-1' }] });
  const { code } = await server.exit;
  t.notOk(await exitedWhileHeld, 'it did not exit while the request was in flight');
  t.equal(code, 0, 'exits 0: the drain ended within the grace period');
});

t.test('exits 1 when a request outlives SHUTDOWN_GRACE_MS', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  // Never released: the request is still in flight when the grace period ends.
  const jwks = await startHeldJwks(t);
  const server = await startServer(t, { SHUTDOWN_GRACE_MS: '500' });
  const { response: inFlight } = await startJwksCheck(server.baseUrl, dev.token, jwks);
  server.child.kill('SIGTERM');
  const { code } = await server.exit;
  await inFlight.catch(() => undefined);
  t.equal(code, 1, 'the grace period cut the drain short');
});
