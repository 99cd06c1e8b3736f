import { Writable } from 'node:stream';
import t from 'tap';
import { buildTestApp, createService, createUser, DEVELOPMENT, TEST_KEYRING } from './helpers/app.ts';
import { startJwksServer } from './helpers/jwks-server.ts';
import { expectProblem } from './helpers/problem.ts';
import { serviceEvents, serviceInStatus } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';
const SECRET = /^pbx_cs_[A-Za-z0-9_-]{43}$/;
const SANDBOX = { environment: 'sandbox' };

t.test('issues a client secret once, on create', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const created = await dev.request('POST', BASE, {
    name: 'Claims sync',
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.statusCode, 201);
  t.equal(created.headers['cache-control'], 'no-store');
  const secret = created.json().clientSecret;
  t.match(secret, SECRET, '256 random bits behind a recognisable prefix');
  const id = created.json().id;
  t.notMatch((await dev.request('GET', `${BASE}/${id}`)).body, secret, 'GET never shows it');
  t.notMatch((await dev.request('GET', BASE)).body, secret, 'the list never shows it');
  t.notMatch((await dev.request('GET', `${BASE}/${id}/events`)).body, secret, 'the timeline never shows it');
  const row = await app.db
    .selectFrom('backendServices')
    .select(['clientSecretCiphertext', 'clientSecretKeyId'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  t.equal(row.clientSecretKeyId, TEST_KEYRING.split(':')[0], 'sealed with the active key');
  t.notOk(row.clientSecretCiphertext?.includes(Buffer.from(secret)), 'the database holds only ciphertext');
});

t.test('a JWKS service gets no secret and cannot rotate one', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  const service = await createService(dev, { authMethod: 'jwks_uri', jwksUri: jwks.url() });
  t.equal(service.clientSecret, undefined);
  t.notOk((service.availableActions as string[]).includes('rotate_secret'));
  expectProblem(
    t,
    await dev.request('POST', `${BASE}/${service.id}/rotate-secret`, SANDBOX),
    409,
    'not_a_secret_client',
  );
});

t.test('rotates the secret in draft, under review and active, and answers 409 once rejected', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  for (const status of ['draft', 'under_review', 'active'] as const) {
    const service = await serviceInStatus(dev, admin, status);
    const rotated = await dev.request('POST', `${BASE}/${service.id}/rotate-secret`, SANDBOX);
    t.equal(rotated.statusCode, 200, status);
    t.equal(rotated.headers['cache-control'], 'no-store');
    t.match(rotated.json(), { clientSecret: SECRET });
    const events = await serviceEvents(dev, service.id);
    t.equal(events[0]?.action, 'rotate_secret', 'the rotation is audited');
    t.notMatch(JSON.stringify(events), rotated.json().clientSecret, 'without the secret');
  }
  const rejected = await serviceInStatus(dev, admin, 'rejected');
  const refused = await dev.request('POST', `${BASE}/${rejected.id}/rotate-secret`, SANDBOX);
  t.equal(expectProblem(t, refused, 409, 'illegal_transition').currentStatus, 'rejected');
  const other = await createUser(app);
  expectProblem(t, await other.request('POST', `${BASE}/${rejected.id}/rotate-secret`, SANDBOX), 404, 'not_found');
});

t.test('switching a draft to client_secret issues a secret; switching to jwks_uri erases it', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const jwks = await startJwksServer(t);
  const service = await createService(dev, { authMethod: 'jwks_uri', jwksUri: jwks.url() });
  const toSecret = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { authMethod: 'client_secret' },
    { 'if-match': '"1"' },
  );
  t.equal(toSecret.statusCode, 200);
  t.match(toSecret.json().clientSecret, SECRET);
  const rename = await dev.request('PATCH', `${BASE}/${service.id}`, { name: 'Renamed' }, { 'if-match': '"2"' });
  t.equal(rename.json().clientSecret, undefined, 'other edits issue no secret');
  const toJwks = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { authMethod: 'jwks_uri', jwksUri: jwks.url() },
    { 'if-match': '"3"' },
  );
  t.equal(toJwks.statusCode, 200);
  const row = await app.db
    .selectFrom('backendServices')
    .select(['clientSecretCiphertext', 'clientSecretKeyId', 'clientSecretIssuedAt'])
    .where('id', '=', service.id)
    .executeTakeFirstOrThrow();
  t.same(row, { clientSecretCiphertext: null, clientSecretKeyId: null, clientSecretIssuedAt: null });
});

t.test('replaying an idempotent create returns the same secret', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const body = { name: 'Retry me', authMethod: 'client_secret', scopeVersion: 'v2', scopes: ['system/Patient.rs'] };
  const first = await dev.request('POST', BASE, body, { 'idempotency-key': 'retry-1' });
  const again = await dev.request('POST', BASE, body, { 'idempotency-key': 'retry-1' });
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(again.json().clientSecret, first.json().clientSecret);
  const stored = await app.db
    .selectFrom('idempotencyKeys')
    .select('responseBody')
    .where('key', '=', 'retry-1')
    .execute();
  t.notMatch(JSON.stringify(stored), first.json().clientSecret, 'the stored response holds no secret');
});

t.test('no secret reaches the logs in a create, rotate, submit and approve run', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const app = await buildTestApp(t, { LOG_LEVEL: 'trace' }, { logStream: stream });
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const created = await dev.request('POST', BASE, {
    name: 'Logged',
    authMethod: 'client_secret',
    scopeVersion: 'v1',
    scopes: ['system/*.read'],
  });
  const secrets = [created.json().clientSecret as string];
  const id = created.json().id;
  secrets.push((await dev.request('POST', `${BASE}/${id}/rotate-secret`, SANDBOX)).json().clientSecret);
  await dev.request('POST', `${BASE}/${id}/submit`);
  secrets.push((await dev.request('POST', `${BASE}/${id}/rotate-secret`, SANDBOX)).json().clientSecret);
  const approved = await admin.request('POST', `/api/v1/admin/backend-services/${id}/approve`, { note: 'ok' });
  t.equal(approved.statusCode, 200);
  secrets.push((await dev.request('POST', `${BASE}/${id}/rotate-secret`, SANDBOX)).json().clientSecret);
  secrets.push((await dev.request('POST', `${BASE}/${id}/production-secret`)).json().clientSecret);
  const production = { environment: 'production' };
  secrets.push((await dev.request('POST', `${BASE}/${id}/rotate-secret`, production)).json().clientSecret);
  secrets.push(
    (await dev.request('POST', `${BASE}/${id}/rotate-secret`, { ...production, immediate: true })).json().clientSecret,
  );
  await dev.request('POST', `${BASE}/${id}/rotate-secret`, 'not json', { 'content-type': 'application/json' });
  t.ok(lines.length > 10, 'the run was logged');
  const log = lines.join('');
  for (const secret of secrets) {
    t.match(secret, SECRET);
    t.notMatch(log, secret.slice('pbx_cs_'.length), 'the secret is not in the logs');
  }
  t.notMatch(log, dev.token.slice('pbx_pat_'.length), 'nor is the API token');
});
