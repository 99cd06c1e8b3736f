import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { JWKS_CHECKS_PER_MINUTE } from '../src/modules/jwks-checks/routes.ts';
import { buildTestApp, createService, createUser, DEVELOPMENT, serviceInput } from './helpers/app.ts';
import { startJwksServer, TEST_KEYS } from './helpers/jwks-server.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';

const CHECKS = '/api/v1/jwks-checks';
const BASE = '/api/v1/backend-services';

t.test('reports a passing key set key by key, with the Cache-Control it saw', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  jwks.reply('/cached.json', {
    body: { keys: [TEST_KEYS.rsa, TEST_KEYS.ec] },
    headers: { 'cache-control': 'max-age=300' },
  });
  const response = await dev.request('POST', CHECKS, { jwksUri: jwks.url('/cached.json') });
  t.equal(response.statusCode, 200);
  t.match(response.json(), {
    jwksUri: jwks.url('/cached.json'),
    verdict: 'pass',
    httpStatus: 200,
    cacheControl: 'max-age=300',
    documentProblems: [],
    keys: [
      { kid: 'rsa-1', kty: 'RSA', alg: 'RS384', bits: 2048, usable: true, problems: [] },
      { kid: 'ec-1', kty: 'EC', alg: 'ES384', curve: 'P-384', usable: true, problems: [] },
    ],
  });
  t.same(
    response.json().keys.map((key: { usableIn: unknown }) => key.usableIn),
    [
      { sandbox: true, production: true },
      { sandbox: true, production: true },
    ],
    'both environments advertise RS384 and ES384',
  );
});

t.test('reports what is wrong with a failing key set', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  jwks.reply('/private.json', { body: { keys: [TEST_KEYS.rsa, TEST_KEYS.rsaPrivate] } });
  jwks.reply('/html', { body: '<html>sign in</html>', headers: { 'content-type': 'text/html' } });
  const cases: [string, RegExp][] = [
    ['/private.json', /private key material/],
    ['/html', /is not JSON/],
    ['/missing', /HTTP 404/],
  ];
  for (const [path, problem] of cases) {
    const report = (await dev.request('POST', CHECKS, { jwksUri: jwks.url(path) })).json();
    t.equal(report.verdict, 'fail', path);
    t.match(JSON.stringify(report), problem, path);
  }
});

t.test('leads the report with a published private key, in a sentence that says it is compromised', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  jwks.reply('/private.json', { body: { keys: [TEST_KEYS.rsa, TEST_KEYS.rsaPrivate] } });
  const report = (await dev.request('POST', CHECKS, { jwksUri: jwks.url('/private.json') })).json();
  t.equal(report.findings[0]?.code, 'private_key_published', 'the worst problem comes first, with a stable code');
  t.match(
    report.findings[0]?.message,
    /^This key set publishes a private key: the key "rsa-private" includes its private part \(d, p, q, dp, dq, qi\)\. Treat it as compromised: make a new key pair, publish only its public key, and stop using the old one\.$/,
  );
  const created = await dev.request(
    'POST',
    BASE,
    serviceInput({ authMethod: 'jwks_uri', jwksUri: jwks.url('/private.json') }),
  );
  const problem = expectProblem(t, created, 400, 'jwks_invalid');
  t.match(problem.detail, /^This key set publishes a private key/, 'a refused save leads with it too');
});

t.test('says a refused connection in words, never as a system error code', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  // A loopback port nothing listens on: taken from the system, then let go.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const jwksUri = `http://127.0.0.1:${port}/jwks.json`;
  const report = (await dev.request('POST', CHECKS, { jwksUri })).json();
  t.equal(report.verdict, 'fail');
  t.same(
    report.findings.map((finding: { code: string }) => finding.code),
    ['connection_refused'],
  );
  t.equal(
    report.findings[0]?.message,
    `The key set URL ${jwksUri} could not be reached: 127.0.0.1 refused the connection. Nothing accepts connections ` +
      'at that address and port: check the URL and that the server is running.',
  );
  t.notMatch(JSON.stringify(report), /ECONNREFUSED|connect E[A-Z]+/, 'no system error code anywhere in the report');
});

t.test('says an answer other than 200, and a body that is not JSON, as sentences about the URL', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  jwks.reply('/html', { body: '<html>sign in</html>', headers: { 'content-type': 'text/html' } });
  const missing = (await dev.request('POST', CHECKS, { jwksUri: jwks.url('/missing') })).json();
  t.same(missing.findings, [
    {
      code: 'http_status',
      message: `The server at ${jwks.url('/missing')} answered HTTP 404 instead of the key set (HTTP 200): check the URL.`,
    },
  ]);
  const html = (await dev.request('POST', CHECKS, { jwksUri: jwks.url('/html') })).json();
  t.equal(html.findings[0]?.code, 'not_json');
  t.match(html.findings[0]?.message, /^What the URL serves is not JSON/);
});

t.test('never fetches a key set from the portal network in production mode', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  const cases: [string, RegExp][] = [
    [jwks.url(), /must use https/],
    ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254 \(linkLocal\)/],
    ['https://[::1]/jwks.json', /::1 \(loopback\)/],
    ['https://keys.partner.test/jwks.json', /127\.0\.0\.1 \(loopback\)/],
    ['https://unknown.partner.example/jwks.json', /host unknown\.partner\.example does not exist/],
    ['https://user:pw@keys.partner.test/jwks.json', /user:password@/],
  ];
  for (const [jwksUri, problem] of cases) {
    const report = (await dev.request('POST', CHECKS, { jwksUri })).json();
    t.equal(report.verdict, 'fail', jwksUri);
    t.match(report.documentProblems[0], problem, jwksUri);
    t.equal(report.httpStatus, null);
  }
});

t.test('refuses to create or edit a service whose key set fails, with the report', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  jwks.reply('/empty.json', { body: { keys: [] } });
  const refused = await dev.request(
    'POST',
    BASE,
    serviceInput({ authMethod: 'jwks_uri', jwksUri: jwks.url('/empty.json') }),
  );
  const problem = expectProblem(t, refused, 400, 'jwks_invalid');
  t.same(errorPaths(problem), ['/body/jwksUri']);
  t.match((problem as { jwksReport?: unknown }).jwksReport, { verdict: 'fail', documentProblems: [/has no keys/] });

  const service = await createService(dev, { authMethod: 'jwks_uri', jwksUri: jwks.url() });
  const edit = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { jwksUri: jwks.url('/empty.json') },
    { 'if-match': '"1"' },
  );
  expectProblem(t, edit, 400, 'jwks_invalid');
  const list = (await dev.request('GET', BASE)).json();
  t.equal(list.items.length, 1, 'the refused create left nothing behind');
});

t.test('checks the key set again on submit', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  const service = await createService(dev, { authMethod: 'jwks_uri', jwksUri: jwks.url() });
  jwks.reply('/jwks.json', { body: { keys: [TEST_KEYS.rsaPrivate] } });
  const refused = await dev.request('POST', `${BASE}/${service.id}/submit`);
  expectProblem(t, refused, 400, 'jwks_invalid');
  t.equal((await dev.request('GET', `${BASE}/${service.id}`)).json().status, 'draft');

  jwks.reply('/jwks.json', { body: { keys: [TEST_KEYS.ec] } });
  const submitted = await dev.request('POST', `${BASE}/${service.id}/submit`);
  t.equal(submitted.statusCode, 200);
  t.equal(submitted.json().status, 'under_review');
});

t.test('validates the check request', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  for (const body of [
    {},
    { jwksUri: 'not a url' },
    { jwksUri: 'ftp://x.test/jwks' },
    { jwksUri: 'https://x.test', x: 1 },
  ]) {
    expectProblem(t, await dev.request('POST', CHECKS, body), 400, 'validation_failed');
  }
  const anonymous = await app.inject({ method: 'POST', url: CHECKS, payload: { jwksUri: 'https://x.test/jwks' } });
  expectProblem(t, anonymous, 401, 'unauthenticated');
});

t.test('limits key set checks per user, since each makes the server fetch a URL', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const other = await createUser(app);
  const jwks = await startJwksServer(t);
  for (let i = 0; i < JWKS_CHECKS_PER_MINUTE; i++) {
    t.equal((await dev.request('POST', CHECKS, { jwksUri: jwks.url() })).statusCode, 200);
  }
  const limited = await dev.request('POST', CHECKS, { jwksUri: jwks.url() });
  const problem = expectProblem(t, limited, 429, 'rate_limited');
  t.match(problem.detail, /At most 20 checks a minute/);
  t.ok(Number(limited.headers['retry-after']) > 0, 'says when to retry');
  t.equal(
    (await other.request('POST', CHECKS, { jwksUri: jwks.url() })).statusCode,
    200,
    'other users are not limited',
  );
});
