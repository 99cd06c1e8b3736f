import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import t from 'tap';
import { buildTestApp, createService, createUser, DEVELOPMENT, type TestUser } from './helpers/app.ts';
import { startJwksServer } from './helpers/jwks-server.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { type EventView, fetchService, serviceEvents, serviceInStatus } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';

t.test('refuses a PATCH without If-Match with 428', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  expectProblem(
    t,
    await dev.request('PATCH', `${BASE}/${service.id}`, { name: 'renamed' }),
    428,
    'precondition_required',
  );
  t.equal((await fetchService(dev, service.id)).name, service.name);
});

t.test('refuses a PATCH with a stale version with 412 naming the current version', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const first = await dev.request('PATCH', `${BASE}/${service.id}`, { name: 'first' }, { 'if-match': '"1"' });
  t.equal(first.statusCode, 200);
  const stale = await dev.request('PATCH', `${BASE}/${service.id}`, { name: 'second' }, { 'if-match': '"1"' });
  const problem = expectProblem(t, stale, 412, 'version_mismatch');
  t.equal(problem.currentVersion, 2);
  t.match(await fetchService(dev, service.id), { name: 'first', version: 2 });
});

t.test('applies a PATCH with the current version and answers the next version', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev, { description: 'old' });
  const response = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { name: '  Renamed  ', description: 'new', scopes: ['system/Observation.rs', 'system/Observation.rs'] },
    { 'if-match': '"1"' },
  );
  t.equal(response.statusCode, 200);
  t.equal(response.headers.etag, '"2"');
  t.match(response.json(), {
    id: service.id,
    name: 'Renamed',
    description: 'new',
    scopes: ['system/Observation.rs'],
    version: 2,
    status: 'draft',
    clientId: service.clientId,
  });
  const fetched = await dev.request('GET', `${BASE}/${service.id}`);
  t.equal(fetched.headers.etag, '"2"');
  t.same(fetched.json(), response.json());
});

t.test(
  'accepts If-Match only as the strong ETag "N" (RFC 9110): W/"N" never matches, a bare N is malformed',
  async (t) => {
    const app = await buildTestApp(t);
    const dev = await createUser(app);
    const service = await createService(dev);
    const edit = (ifMatch: string) =>
      dev.request('PATCH', `${BASE}/${service.id}`, { name: `If-Match ${ifMatch}` }, { 'if-match': ifMatch });
    const strong = await edit('"1"');
    t.equal(strong.statusCode, 200);
    t.equal(strong.json().version, 2);
    expectProblem(t, await edit('W/"2"'), 412, 'version_mismatch');
    expectProblem(t, await edit('2'), 400, 'validation_failed');
    t.equal((await dev.request('GET', `${BASE}/${service.id}`)).json().version, 2);
  },
);

t.test('refuses to edit a service that is not a draft, naming its status', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(dev, admin, 'under_review');
  const response = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { name: 'late change' },
    { 'if-match': `"${service.version}"` },
  );
  const problem = expectProblem(t, response, 409, 'illegal_transition');
  t.equal(problem.currentStatus, 'under_review');
  t.match(await fetchService(dev, service.id), { name: service.name, version: service.version });
});

t.test('refuses an empty PATCH', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  expectProblem(
    t,
    await dev.request('PATCH', `${BASE}/${service.id}`, {}, { 'if-match': '"1"' }),
    400,
    'validation_failed',
  );
});

t.test('requires a key set URL when a PATCH switches to jwks_uri', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const JWKS_URI = (await startJwksServer(t)).url();
  const dev = await createUser(app);
  const service = await createService(dev);
  const url = `${BASE}/${service.id}`;
  const missing = await dev.request('PATCH', url, { authMethod: 'jwks_uri' }, { 'if-match': '"1"' });
  t.same(errorPaths(expectProblem(t, missing, 400, 'validation_failed')), ['/body/jwksUri']);
  t.equal((await fetchService(dev, service.id)).version, 1, 'a refused PATCH keeps the version');

  const switched = await dev.request(
    'PATCH',
    url,
    { authMethod: 'jwks_uri', jwksUri: JWKS_URI },
    { 'if-match': '"1"' },
  );
  t.equal(switched.statusCode, 200);
  t.match(switched.json(), { authMethod: 'jwks_uri', jwksUri: JWKS_URI, version: 2 });

  const cleared = await dev.request('PATCH', url, { jwksUri: null }, { 'if-match': '"2"' });
  t.same(errorPaths(expectProblem(t, cleared, 400, 'validation_failed')), ['/body/jwksUri']);
});

t.test('refuses a key set URL when a PATCH chooses client_secret, and drops it otherwise', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const JWKS_URI = (await startJwksServer(t)).url();
  const dev = await createUser(app);
  const service = await createService(dev, { authMethod: 'jwks_uri', jwksUri: JWKS_URI });
  const url = `${BASE}/${service.id}`;
  const both = await dev.request(
    'PATCH',
    url,
    { authMethod: 'client_secret', jwksUri: JWKS_URI },
    { 'if-match': '"1"' },
  );
  t.same(errorPaths(expectProblem(t, both, 400, 'validation_failed')), ['/body/jwksUri']);
  const switched = await dev.request('PATCH', url, { authMethod: 'client_secret' }, { 'if-match': '"1"' });
  t.equal(switched.statusCode, 200);
  t.match(switched.json(), { authMethod: 'client_secret', jwksUri: null });
  const urlOnly = await dev.request('PATCH', url, { jwksUri: JWKS_URI }, { 'if-match': '"2"' });
  t.same(errorPaths(expectProblem(t, urlOnly, 400, 'validation_failed')), ['/body/jwksUri']);
});

t.test('refuses a PATCH to another scopeVersion that keeps scopes of the old one', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev, { scopes: ['system/Patient.rs', 'system/Observation.r'] });
  const url = `${BASE}/${service.id}`;
  const response = await dev.request('PATCH', url, { scopeVersion: 'v1' }, { 'if-match': '"1"' });
  const problem = expectProblem(t, response, 400, 'validation_failed');
  t.same(errorPaths(problem), ['/body/scopes/0', '/body/scopes/1']);
  const bad = await dev.request(
    'PATCH',
    url,
    { scopes: ['system/Patient.rs', 'system/Patient.x'] },
    { 'if-match': '"1"' },
  );
  t.same(errorPaths(expectProblem(t, bad, 400, 'validation_failed')), ['/body/scopes/1']);

  const ok = await dev.request(
    'PATCH',
    url,
    { scopeVersion: 'v1', scopes: ['system/Patient.write', 'system/Patient.read'] },
    { 'if-match': '"1"' },
  );
  t.equal(ok.statusCode, 200);
  t.match(ok.json(), { scopeVersion: 'v1', scopes: ['system/Patient.read', 'system/Patient.write'], version: 2 });
});

t.test('clears the description with null, and takes a null organization where there are none', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev, { description: 'something' });
  t.equal(service.organizationId, null);
  const response = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { description: null, organizationId: null },
    { 'if-match': '"1"' },
  );
  t.equal(response.statusCode, 200);
  t.match(response.json(), { description: null, organizationId: null });
  t.match(await fetchService(dev, service.id), { description: null, organizationId: null });
});

t.test('treats an empty description as none', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev, { description: '' });
  t.equal(service.description, null);
  const response = await dev.request('PATCH', `${BASE}/${service.id}`, { description: '' }, { 'if-match': '"1"' });
  t.equal(response.json().description, null);
});

/** Everything an edit would write besides the service row: its events and its provisioning rows, as stored. */
async function sideEffects(app: FastifyInstance, dev: TestUser, id: string) {
  const [jobs, environments] = await Promise.all([
    app.db.selectFrom('provisioningJobs').selectAll().where('serviceId', '=', id).execute(),
    app.db.selectFrom('serviceEnvironments').selectAll().where('serviceId', '=', id).execute(),
  ]);
  return { events: await serviceEvents(dev, id), jobs, environments };
}

async function lastEvent(dev: TestUser, id: string): Promise<EventView> {
  const [event] = await serviceEvents(dev, id);
  if (!event) throw new Error('no event');
  return event;
}

t.test('records an edit of the description alone as exactly that field, from and to', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev, { description: 'Nightly export', scopes: ['system/Coverage.rs'] });
  // The whole form sent back, as an SPA does: only the description differs from what is stored.
  const response = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    {
      name: service.name,
      description: 'Weekly export',
      authMethod: 'client_secret',
      jwksUri: null,
      scopeVersion: 'v2',
      scopes: ['system/Coverage.rs'],
      organizationId: null,
    },
    { 'if-match': '"1"' },
  );
  t.equal(response.statusCode, 200);
  t.match(await lastEvent(dev, service.id), {
    action: 'edit',
    fromStatus: null,
    toStatus: null,
    serviceStatus: 'draft',
    detail: { changed: ['description'], changes: { description: { from: 'Nightly export', to: 'Weekly export' } } },
  });
  t.same(Object.keys((await lastEvent(dev, service.id)).detail.changes as object), ['description']);
});

t.test('records no scope change for the stored scopes sent in another order and repeated', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev, { scopes: ['system/Coverage.rs', 'system/Patient.rs'] });
  const response = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { name: 'Renamed', scopes: ['system/Patient.rs', 'system/Coverage.rs', 'system/Patient.rs'] },
    { 'if-match': '"1"' },
  );
  t.equal(response.statusCode, 200);
  t.same((await lastEvent(dev, service.id)).detail, {
    changed: ['name'],
    changes: { name: { from: service.name, to: 'Renamed' } },
  });
});

t.test('a PATCH that changes nothing writes nothing and answers the service with its current ETag', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const created = await createService(dev, { scopes: ['system/Coverage.rs', 'system/Patient.rs'] });
  const url = `${BASE}/${created.id}`;
  t.equal((await dev.request('PATCH', url, { description: 'Kept' }, { 'if-match': '"1"' })).statusCode, 200);
  const before = await dev.request('GET', url);
  const effectsBefore = await sideEffects(app, dev, created.id);
  t.equal(effectsBefore.jobs.length, 1, 'the sandbox job of the last change is there to compare');

  // Every field as stored, in the forms that normalise to it: padded name, reordered and repeated scopes.
  const response = await dev.request(
    'PATCH',
    url,
    {
      name: `  ${created.name}  `,
      description: 'Kept',
      authMethod: 'client_secret',
      jwksUri: null,
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs', 'system/Coverage.rs', 'system/Patient.rs'],
      organizationId: null,
    },
    { 'if-match': '"2"' },
  );
  t.equal(response.statusCode, 200);
  t.equal(response.headers.etag, '"2"', 'the current version, not a next one');
  t.same(response.json(), before.json(), 'the service as it is, updatedAt included');
  t.notOk('clientSecret' in response.json(), 'no secret issued');
  t.same(await sideEffects(app, dev, created.id), effectsBefore, 'no event, no provisioning job re-armed');
  const after = await dev.request('GET', url);
  t.same(after.json(), before.json());
  t.equal(after.headers.etag, '"2"');
});

t.test('a PATCH that would change nothing is still refused like any other', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const draft = await createService(dev);
  const same = { name: draft.name };
  const url = `${BASE}/${draft.id}`;
  expectProblem(t, await dev.request('PATCH', url, same), 428, 'precondition_required');
  t.equal(
    expectProblem(t, await dev.request('PATCH', url, same, { 'if-match': '"7"' }), 412, 'version_mismatch')
      .currentVersion,
    1,
  );
  const invalid = await dev.request('PATCH', url, { ...same, scopes: ['system/Patient.x'] }, { 'if-match': '"1"' });
  t.same(errorPaths(expectProblem(t, invalid, 400, 'validation_failed')), ['/body/scopes/0']);
  const review = await serviceInStatus(dev, admin, 'under_review');
  const late = await dev.request(
    'PATCH',
    `${BASE}/${review.id}`,
    { name: review.name },
    { 'if-match': `"${review.version}"` },
  );
  t.equal(expectProblem(t, late, 409, 'illegal_transition').currentStatus, 'under_review');
});

t.test(
  'records a switch of authentication method and that a secret was issued or removed, never the secret',
  async (t) => {
    const app = await buildTestApp(t, DEVELOPMENT);
    const jwksUri = (await startJwksServer(t)).url();
    const dev = await createUser(app);
    const service = await createService(dev, { authMethod: 'jwks_uri', jwksUri });
    const url = `${BASE}/${service.id}`;
    const toSecret = await dev.request('PATCH', url, { authMethod: 'client_secret' }, { 'if-match': '"1"' });
    t.equal(toSecret.statusCode, 200);
    const secret = toSecret.json().clientSecret as string;
    t.ok(secret, 'the secret is shown once, in the response');
    t.same((await lastEvent(dev, service.id)).detail, {
      changed: ['authMethod', 'jwksUri'],
      changes: {
        authMethod: { from: 'jwks_uri', to: 'client_secret' },
        jwksUri: { from: jwksUri, to: null },
      },
      secret: 'issued',
    });
    const back = await dev.request('PATCH', url, { authMethod: 'jwks_uri', jwksUri }, { 'if-match': '"2"' });
    t.equal(back.statusCode, 200);
    t.match((await lastEvent(dev, service.id)).detail, { changed: ['authMethod', 'jwksUri'], secret: 'removed' });

    const { rows } = await sql<{ detail: unknown }>`
    select detail from service_events where service_id = ${service.id}`.execute(app.db);
    const stored = JSON.stringify(rows);
    t.notMatch(stored, secret, 'the secret is in no stored event');
    t.notMatch(stored, /ciphertext|keyId|clientSecret/i, 'nor its sealed copy');
  },
);
