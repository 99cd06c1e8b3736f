import t from 'tap';
import { buildTestApp, createService, createUser, DEVELOPMENT } from './helpers/app.ts';
import { startJwksServer } from './helpers/jwks-server.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { fetchService, serviceInStatus } from './helpers/services.ts';

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
