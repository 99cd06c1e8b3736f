import t from 'tap';
import { buildTestApp, createService, createUser, DEVELOPMENT, serviceInput } from './helpers/app.ts';
import { startJwksServer } from './helpers/jwks-server.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { fetchService, type ServiceView, serviceEvents, serviceInStatus } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';

t.test('creates a draft and answers 201 with its location, ETag and representation', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request(
    'POST',
    BASE,
    serviceInput({
      name: '  Bulk exporter  ',
      description: 'Nightly bulk export',
      scopes: ['system/Patient.rs', 'system/Observation.r', 'system/Patient.rs', 'system/*.s'],
    }),
  );
  t.equal(response.statusCode, 201);
  const service = response.json() as ServiceView;
  t.equal(response.headers.location, `${BASE}/${service.id}`);
  t.equal(response.headers.etag, '"1"');
  t.match(service, {
    name: 'Bulk exporter',
    description: 'Nightly bulk export',
    authMethod: 'client_secret',
    jwksUri: null,
    scopeVersion: 'v2',
    organizationId: null,
    status: 'draft',
    version: 1,
    submittedAt: null,
    reviewedAt: null,
    reviewNote: null,
    rejectionReason: null,
  });
  t.same(service.scopes, ['system/*.s', 'system/Observation.r', 'system/Patient.rs'], 'deduplicated and sorted');
  t.same(service.owner, { id: dev.id, email: dev.email, name: 'Test developer' });
  t.match(service.clientId, /^bs-[0-9a-f]{32}$/);
  t.match(service.environments.sandbox, { state: 'pending', clientId: service.clientId, error: null });
  t.equal(service.environments.production, null);
  t.same([...service.availableActions].sort(), ['delete', 'edit', 'rotate_secret', 'submit']);

  const fetched = await dev.request('GET', response.headers.location as string);
  t.equal(fetched.statusCode, 200);
  t.equal(fetched.headers.etag, '"1"');
  const { clientSecret: _shownOnce, ...withoutSecret } = service;
  t.same(fetched.json(), withoutSecret, 'GET returns what POST returned, but the secret');
});

t.test('creates a jwks_uri service that keeps its key set URL', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const JWKS_URI = (await startJwksServer(t)).url();
  const dev = await createUser(app);
  const service = await createService(dev, { authMethod: 'jwks_uri', jwksUri: JWKS_URI });
  t.equal(service.authMethod, 'jwks_uri');
  t.equal(service.jwksUri, JWKS_URI);
});

t.test('stores v1 scopes in v1, normalised', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev, {
    scopeVersion: 'v1',
    scopes: ['system/Patient.read', 'system/*.read', 'system/Patient.read', 'system/Observation.*'],
  });
  t.equal(service.scopeVersion, 'v1');
  t.same(service.scopes, ['system/*.read', 'system/Observation.*', 'system/Patient.read']);
});

t.test('refuses jwks_uri without a key set URL', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request('POST', BASE, serviceInput({ authMethod: 'jwks_uri' }));
  const problem = expectProblem(t, response, 400, 'validation_failed');
  t.same(errorPaths(problem), ['/body/jwksUri']);
});

t.test('refuses a key set URL together with client_secret', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const jwksUri = 'https://keys.partner.test/jwks.json';
  const response = await dev.request('POST', BASE, serviceInput({ authMethod: 'client_secret', jwksUri }));
  const problem = expectProblem(t, response, 400, 'validation_failed');
  t.same(errorPaths(problem), ['/body/jwksUri']);
});

t.test('refuses scopes of the other scopeVersion, naming each offending scope', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request(
    'POST',
    BASE,
    serviceInput({
      scopeVersion: 'v1',
      scopes: ['system/Patient.read', 'system/Patient.rs', 'system/Observation.cruds'],
    }),
  );
  const problem = expectProblem(t, response, 400, 'validation_failed');
  t.same(errorPaths(problem), ['/body/scopes/1', '/body/scopes/2']);
  t.match(problem.errors?.find((e) => e.path === '/body/scopes/1')?.message, /system\/Patient\.rs/);
});

t.test('rejects a scope whose letters are out of order', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request('POST', BASE, serviceInput({ scopes: ['system/Patient.sr'] }));
  const problem = expectProblem(t, response, 400, 'validation_failed');
  t.same(errorPaths(problem), ['/body/scopes/0']);
  t.match(problem.errors?.[0]?.message, /order/);
});

t.test('rejects a lower-case resource type and a non-system scope', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request(
    'POST',
    BASE,
    serviceInput({ scopes: ['system/patient.rs', 'patient/Patient.rs', 'system/Patient.rs'] }),
  );
  const problem = expectProblem(t, response, 400, 'validation_failed');
  t.same(errorPaths(problem), ['/body/scopes/0', '/body/scopes/1']);
});

t.test('reports every invalid field of a create at once', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request('POST', BASE, { authMethod: 'password', scopeVersion: 'v3', scopes: [] });
  const problem = expectProblem(t, response, 400, 'validation_failed');
  const paths = errorPaths(problem);
  for (const path of ['/body/name', '/body/authMethod', '/body/scopeVersion', '/body/scopes']) {
    t.ok(paths.includes(path), `names ${path}`);
  }
});

t.test('gets one of the callers services with its ETag', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const response = await dev.request('GET', `${BASE}/${service.id}`);
  t.equal(response.statusCode, 200);
  t.equal(response.headers.etag, '"1"');
  t.equal(response.json().id, service.id);
});

t.test('answers 404 for a service id that does not exist', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request('GET', `${BASE}/00000000-0000-7000-8000-000000000000`);
  expectProblem(t, response, 404, 'not_found');
});

t.test('lists only the callers own services, newest first', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const other = await createUser(app);
  const first = await createService(dev);
  await createService(other);
  const second = await createService(dev);
  const third = await createService(dev);
  const response = await dev.request('GET', BASE);
  t.equal(response.statusCode, 200);
  const page = response.json() as { items: ServiceView[]; nextCursor: string | null };
  t.same(
    page.items.map((s) => s.id),
    [third.id, second.id, first.id],
  );
  t.equal(page.nextCursor, null);
  t.ok(
    page.items.every((s) => s.owner.id === dev.id),
    'every item is the callers',
  );
});

t.test('pages through the list with a cursor, without overlap or gaps', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const created: string[] = [];
  for (let i = 0; i < 5; i++) created.push((await createService(dev)).id);
  const seen: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 10; round++) {
    const url: string = `${BASE}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await dev.request('GET', url);
    t.equal(response.statusCode, 200);
    const page = response.json() as { items: ServiceView[]; nextCursor: string | null };
    sizes.push(page.items.length);
    seen.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  t.same(sizes, [2, 2, 1]);
  t.same(seen, [...created].reverse(), 'every service exactly once, newest first');
});

t.test('has no next page when the last page is exactly full', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  await createService(dev);
  await createService(dev);
  const response = await dev.request('GET', `${BASE}?limit=2`);
  t.equal(response.json().items.length, 2);
  t.equal(response.json().nextCursor, null);
});

t.test('filters the list by status', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const draft = await serviceInStatus(dev, admin, 'draft');
  const review = await serviceInStatus(dev, admin, 'under_review');
  const active = await serviceInStatus(dev, admin, 'active');
  const rejected = await serviceInStatus(dev, admin, 'rejected');
  const expected = { draft, under_review: review, active, rejected };
  for (const [status, service] of Object.entries(expected)) {
    const response = await dev.request('GET', `${BASE}?status=${status}`);
    t.equal(response.statusCode, 200);
    t.same(
      response.json().items.map((s: ServiceView) => s.id),
      [service.id],
      `?status=${status}`,
    );
  }
  const bad = await dev.request('GET', `${BASE}?status=deleted`);
  t.same(errorPaths(expectProblem(t, bad, 400, 'validation_failed')), ['/querystring/status']);
});

t.test("searches the caller's services by name or client id, never another owner's", async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const other = await createUser(app);
  const claims = await createService(dev, { name: 'Claims 100% sync' });
  await createService(dev, { name: 'Eligibility' });
  await createService(other, { name: 'Claims elsewhere' });
  const byName = await dev.request('GET', `${BASE}?q=${encodeURIComponent('claims 100%')}`);
  t.same(
    byName.json().items.map((s: ServiceView) => s.id),
    [claims.id],
  );
  const byClientId = await dev.request('GET', `${BASE}?q=${claims.clientId.slice(-8)}`);
  t.same(
    byClientId.json().items.map((s: ServiceView) => s.id),
    [claims.id],
  );
  const wildcard = await dev.request('GET', `${BASE}?q=_`);
  t.same(wildcard.json().items, [], 'LIKE wildcards are matched literally');
  const empty = await dev.request('GET', `${BASE}?q=`);
  t.same(errorPaths(expectProblem(t, empty, 400, 'validation_failed')), ['/querystring/q']);
});

t.test("answers 404 on every route for another owner's service and leaves it alone", async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const stranger = await createUser(app);
  const service = await createService(owner);
  const attempts: [string, string, unknown?, Record<string, string>?][] = [
    ['GET', `${BASE}/${service.id}`],
    ['PATCH', `${BASE}/${service.id}`, { name: 'taken over' }, { 'if-match': '"1"' }],
    ['DELETE', `${BASE}/${service.id}`],
    ['POST', `${BASE}/${service.id}/submit`],
    ['GET', `${BASE}/${service.id}/events`],
  ];
  for (const [method, url, body, headers] of attempts) {
    const problem = expectProblem(t, await stranger.request(method, url, body, headers), 404, 'not_found');
    t.notMatch(problem.detail ?? '', service.id, `${method} ${url} does not echo the id`);
  }
  const after = await fetchService(owner, service.id);
  t.match(after, { status: 'draft', version: 1, name: service.name });

  await owner.request('POST', `${BASE}/${service.id}/submit`);
  expectProblem(t, await stranger.request('POST', `${BASE}/${service.id}/withdraw`), 404, 'not_found');
  t.equal((await fetchService(owner, service.id)).status, 'under_review');
  t.same((await stranger.request('GET', BASE)).json().items, [], "the stranger's list does not show it");
});

t.test('deletes a draft: 204, then 404 and gone from the list', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const kept = await createService(dev);
  const response = await dev.request('DELETE', `${BASE}/${service.id}`);
  t.equal(response.statusCode, 204);
  t.equal(response.body, '');
  expectProblem(t, await dev.request('GET', `${BASE}/${service.id}`), 404, 'not_found');
  expectProblem(t, await dev.request('DELETE', `${BASE}/${service.id}`), 404, 'not_found');
  expectProblem(t, await dev.request('GET', `${BASE}/${service.id}/events`), 404, 'not_found');
  t.same(
    (await dev.request('GET', BASE)).json().items.map((s: ServiceView) => s.id),
    [kept.id],
  );
});

t.test('refuses to delete a service under review or active (only drafts and rejected services go)', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  for (const status of ['under_review', 'active'] as const) {
    const service = await serviceInStatus(dev, admin, status);
    const problem = expectProblem(t, await dev.request('DELETE', `${BASE}/${service.id}`), 409, 'illegal_transition');
    t.equal(problem.currentStatus, status);
    t.equal((await fetchService(dev, service.id)).status, status, 'still there');
  }
});

t.test('submits a draft for review and withdraws it back to draft', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const submitted = await dev.request('POST', `${BASE}/${service.id}/submit`);
  t.equal(submitted.statusCode, 200);
  t.match(submitted.json(), { status: 'under_review', version: 2 });
  t.ok(submitted.json().submittedAt, 'records when it was submitted');
  t.same([...submitted.json().availableActions].sort(), ['rotate_secret', 'withdraw']);

  const again = await dev.request('POST', `${BASE}/${service.id}/submit`);
  t.equal(expectProblem(t, again, 409, 'illegal_transition').currentStatus, 'under_review');

  const withdrawn = await dev.request('POST', `${BASE}/${service.id}/withdraw`);
  t.equal(withdrawn.statusCode, 200);
  t.match(withdrawn.json(), { status: 'draft', version: 3, submittedAt: null });

  const twice = await dev.request('POST', `${BASE}/${service.id}/withdraw`);
  t.equal(expectProblem(t, twice, 409, 'illegal_transition').currentStatus, 'draft');
});

t.test('shows the service timeline newest first, with actor and statuses', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await createService(dev);
  await dev.request('PATCH', `${BASE}/${service.id}`, { name: 'renamed' }, { 'if-match': '"1"' });
  await dev.request('POST', `${BASE}/${service.id}/submit`);
  await dev.request('POST', `${BASE}/${service.id}/withdraw`);
  await dev.request('POST', `${BASE}/${service.id}/submit`);
  await admin.request('POST', `/api/v1/admin/backend-services/${service.id}/approve`, { note: 'fine' });

  const events = await serviceEvents(dev, service.id);
  t.same(
    events.map((e) => [e.action, e.fromStatus, e.toStatus, e.serviceStatus, e.actor?.email]),
    [
      ['approve', 'under_review', 'active', 'active', admin.email],
      ['submit', 'draft', 'under_review', 'under_review', dev.email],
      ['withdraw', 'under_review', 'draft', 'draft', dev.email],
      ['submit', 'draft', 'under_review', 'under_review', dev.email],
      ['edit', null, null, 'draft', dev.email],
      ['create', null, 'draft', 'draft', dev.email],
    ],
  );
  t.ok(
    events.every((e) => e.serviceId === service.id),
    'every event names the service',
  );
  t.same(events[0]?.detail, { note: 'fine', productionSecret: 'issued' });
  t.same(events[4]?.detail, { changed: ['name'], changes: { name: { from: service.name, to: 'renamed' } } });
  t.same(events[0]?.actor, { id: admin.id, email: admin.email, name: 'Test admin' });

  const firstPage = await dev.request('GET', `${BASE}/${service.id}/events?limit=4`);
  const { items, nextCursor } = firstPage.json() as { items: { id: string }[]; nextCursor: string };
  t.equal(items.length, 4);
  const secondPage = await dev.request('GET', `${BASE}/${service.id}/events?limit=4&cursor=${nextCursor}`);
  t.same(
    [...items, ...secondPage.json().items].map((e: { id: string }) => e.id),
    events.map((e) => e.id),
    'pages join up to the whole timeline',
  );
  t.equal(secondPage.json().nextCursor, null);
});

t.test('explains why a v2 query restriction is refused', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request(
    'POST',
    BASE,
    serviceInput({ scopes: ['system/Patient.rs', 'system/Observation.rs?category=laboratory'] }),
  );
  const problem = expectProblem(t, response, 400, 'validation_failed');
  t.same(errorPaths(problem), ['/body/scopes/1']);
  t.match(problem.errors?.[0]?.message, /Aidbox does not enforce search-parameter restrictions on system scopes/);
});
