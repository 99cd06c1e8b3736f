import { randomBytes } from 'node:crypto';
import { type AidboxEmulator, type EmulatorOptions, startAidboxEmulator } from '@payerbox/aidbox-emulator';
import t, { type Test } from 'tap';
import { buildTestApp, createUser, DEVELOPMENT, serviceInput } from './helpers/app.ts';
import { startJwksServer, TEST_KEYS } from './helpers/jwks-server.ts';
import { expectProblem } from './helpers/problem.ts';
import { closedAidboxUrl } from './helpers/production-aidbox.ts';

const ENVIRONMENTS = '/api/v1/environments';
const CHECKS = '/api/v1/jwks-checks';

async function emulator(t: Test, options: Partial<EmulatorOptions> = {}): Promise<AidboxEmulator> {
  const adminClient = { id: 'portal-provisioner', secret: randomBytes(18).toString('base64url') };
  const started = await startAidboxEmulator({ adminClient, seed: false, ...options });
  t.teardown(() => started.close());
  return started;
}

/**
 * The portal in development mode against a sandbox that advertises RS384 and ES384 (as Payerbox documents) and a
 * production Aidbox that advertises RS384 only (as Aidbox documents).
 */
async function portalWithRs384Production(t: Test, env: Record<string, string> = {}) {
  const sandbox = await emulator(t, { name: 'sandbox' });
  const production = await emulator(t, { name: 'production', assertionAlgorithms: ['RS384'] });
  const app = await buildTestApp(t, {
    ...DEVELOPMENT,
    SANDBOX_AIDBOX_URL: sandbox.url,
    PRODUCTION_AIDBOX_URL: production.url,
    ...env,
  });
  return { app, sandbox, production, developer: await createUser(app) };
}

t.test("reads each environment's signing algorithms from its SMART configuration", async (t) => {
  const { developer, sandbox, production } = await portalWithRs384Production(t);
  const response = await developer.request('GET', ENVIRONMENTS);
  t.equal(response.statusCode, 200);
  t.match(response.json(), {
    sandbox: { tokenEndpointAuthSigningAlgs: ['RS384', 'ES384'], source: 'smart-configuration', readAt: String },
    production: { tokenEndpointAuthSigningAlgs: ['RS384'], source: 'smart-configuration', readAt: String },
  });
  for (const aidbox of [sandbox, production]) {
    t.ok(
      aidbox.requests().some((request) => request.path === '/.well-known/smart-configuration'),
      'read at the server root, where Aidbox documents it',
    );
  }
});

t.test('judges every key per environment: an ES384 key is usable only where ES384 is advertised', async (t) => {
  const { developer } = await portalWithRs384Production(t);
  const jwks = await startJwksServer(t);
  const report = (await developer.request('POST', CHECKS, { jwksUri: jwks.url() })).json();
  t.equal(report.verdict, 'pass', 'production has the RSA key');
  t.same(report.documentProblems, []);
  t.match(report.keys, [
    { kid: 'rsa-1', usable: true, usableIn: { sandbox: true, production: true }, notes: [] },
    {
      kid: 'ec-1',
      usable: true,
      usableIn: { sandbox: true, production: false },
      notes: ['production advertises only RS384: this ES384 key cannot be used there'],
    },
  ]);
});

t.test('refuses an EC-only key set when production advertises RS384 only, saying which key to add', async (t) => {
  const { developer } = await portalWithRs384Production(t);
  const jwks = await startJwksServer(t);
  jwks.reply('/ec.json', { body: { keys: [TEST_KEYS.ec] } });
  const report = (await developer.request('POST', CHECKS, { jwksUri: jwks.url('/ec.json') })).json();
  t.equal(report.verdict, 'fail');
  t.same(report.documentProblems, [
    'has no key that production can use (production advertises only RS384): add an RSA key of at least 2048 bits ' +
      'for RS384',
  ]);
  t.match(report.keys, [{ kid: 'ec-1', usableIn: { sandbox: true, production: false }, problems: [] }]);

  const refused = await developer.request(
    'POST',
    '/api/v1/backend-services',
    serviceInput({ authMethod: 'jwks_uri', jwksUri: jwks.url('/ec.json') }),
  );
  expectProblem(t, refused, 400, 'jwks_invalid');
  t.match(refused.json().detail, /production can use/);
  t.match(refused.json().jwksReport, { verdict: 'fail', keys: [{ kid: 'ec-1' }] });
});

t.test('assumes RS384 only for an environment whose SMART configuration cannot be read', async (t) => {
  const sandbox = await emulator(t, { name: 'sandbox' });
  const app = await buildTestApp(t, {
    ...DEVELOPMENT,
    SANDBOX_AIDBOX_URL: sandbox.url,
    PRODUCTION_AIDBOX_URL: await closedAidboxUrl(),
  });
  const developer = await createUser(app);
  t.match((await developer.request('GET', ENVIRONMENTS)).json(), {
    sandbox: { tokenEndpointAuthSigningAlgs: ['RS384', 'ES384'], source: 'smart-configuration' },
    production: { tokenEndpointAuthSigningAlgs: ['RS384'], source: 'assumed', readAt: null },
  });
  const jwks = await startJwksServer(t);
  jwks.reply('/ec.json', { body: { keys: [TEST_KEYS.ec] } });
  jwks.reply('/rsa.json', { body: { keys: [TEST_KEYS.rsa] } });
  const ecOnly = (await developer.request('POST', CHECKS, { jwksUri: jwks.url('/ec.json') })).json();
  t.equal(ecOnly.verdict, 'fail', 'an EC-only set is refused: the fail-safe side');
  t.match(ecOnly.documentProblems, [/production advertises only RS384/]);
  const rsaOnly = (await developer.request('POST', CHECKS, { jwksUri: jwks.url('/rsa.json') })).json();
  t.equal(rsaOnly.verdict, 'pass');
});

t.test('answers from its cache while it reads a SMART configuration again in the background', async (t) => {
  const { app, developer, production } = await portalWithRs384Production(t, {
    SMART_CONFIGURATION_MAX_AGE_SECONDS: '0',
  });
  t.equal((await developer.request('GET', ENVIRONMENTS)).statusCode, 200, 'the first read');
  // With a maximum age of 0 that answer started another read; the one to hold starts with the next request.
  await app.aidboxEnvironments.settle();
  const hold = production.hold({ path: /^\/\.well-known\/smart-configuration$/ });
  t.teardown(() => hold.release());
  const answer = await developer.request('GET', ENVIRONMENTS);
  t.equal(answer.statusCode, 200, 'answered while the read it started is held in Aidbox');
  t.same(answer.json().production.tokenEndpointAuthSigningAlgs, ['RS384']);
  t.same(await hold.arrived(), [{ method: 'GET', path: '/.well-known/smart-configuration' }], 'read again');
  hold.release();
});

t.test('keeps what it read when a later read fails', async (t) => {
  const { app, developer, production } = await portalWithRs384Production(t, {
    SMART_CONFIGURATION_MAX_AGE_SECONDS: '0',
  });
  const first = (await developer.request('GET', ENVIRONMENTS)).json().production;
  await production.close();
  t.same((await developer.request('GET', ENVIRONMENTS)).json().production, first, 'answered from the cache');
  await app.aidboxEnvironments.settle();
  t.same((await developer.request('GET', ENVIRONMENTS)).json().production, first, 'the failed read changed nothing');
});

t.test('answers the environments to signed-in users only', async (t) => {
  const app = await buildTestApp(t);
  expectProblem(t, await app.inject({ method: 'GET', url: ENVIRONMENTS }), 401, 'unauthenticated');
});
