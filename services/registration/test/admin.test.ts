import { randomBytes } from 'node:crypto';
import t from 'tap';
import { buildTestApp, createService, createUser, type TestUser } from './helpers/app.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { type EventView, type ServiceView, serviceInStatus } from './helpers/services.ts';

const ADMIN = '/api/v1/admin/backend-services';
const AUDIT = '/api/v1/admin/audit-events';

/** A word no other test uses, to find this test's services among everyone's. */
const uniqueTag = () => `tag${randomBytes(5).toString('hex')}`;

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

async function adminList(admin: TestUser, query: string): Promise<Page<ServiceView>> {
  const response = await admin.request('GET', `${ADMIN}?${query}`);
  if (response.statusCode !== 200) throw new Error(`admin list failed: ${response.statusCode} ${response.body}`);
  return response.json() as Page<ServiceView>;
}

async function auditEvents(admin: TestUser, query: string): Promise<Page<EventView>> {
  const response = await admin.request('GET', `${AUDIT}?${query}`);
  if (response.statusCode !== 200) throw new Error(`audit events failed: ${response.statusCode} ${response.body}`);
  return response.json() as Page<EventView>;
}

t.test('lists the services of every owner, newest first', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const alice = await createUser(app);
  const bob = await createUser(app);
  const tag = uniqueTag();
  const first = await createService(alice, { name: `${tag} one` });
  const second = await createService(bob, { name: `${tag} two` });
  const third = await createService(alice, { name: `${tag} three` });
  const page = await adminList(admin, `q=${tag}`);
  t.same(
    page.items.map((s) => [s.id, s.owner.email]),
    [
      [third.id, alice.email],
      [second.id, bob.email],
      [first.id, alice.email],
    ],
  );
  t.equal(page.nextCursor, null);
  t.same(page.items[0]?.availableActions, [], 'an admin has nothing to do with a draft');
});

t.test('filters the admin list by status', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  const byStatus = {
    draft: await serviceInStatus(dev, admin, 'draft', { name: `${tag} a` }),
    under_review: await serviceInStatus(dev, admin, 'under_review', { name: `${tag} b` }),
    active: await serviceInStatus(dev, admin, 'active', { name: `${tag} c` }),
    rejected: await serviceInStatus(dev, admin, 'rejected', { name: `${tag} d` }),
  };
  for (const [status, service] of Object.entries(byStatus)) {
    const page = await adminList(admin, `q=${tag}&status=${status}`);
    t.same(
      page.items.map((s) => s.id),
      [service.id],
      `?status=${status}`,
    );
  }
  const review = await adminList(admin, 'status=under_review&limit=100');
  t.ok(
    review.items.every((s) => s.status === 'under_review'),
    'without q, every owner and only that status',
  );
});

t.test('searches by name, client id and owner e-mail, ignoring case', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const alice = await createUser(app);
  const bob = await createUser(app);
  const tag = uniqueTag();
  const named = await createService(alice, { name: `Exporter ${tag}` });
  const other = await createService(bob);
  const aliceSecond = await createService(alice);

  t.same(
    (await adminList(admin, `q=${tag.toUpperCase()}`)).items.map((s) => s.id),
    [named.id],
    'by name',
  );
  t.same(
    (await adminList(admin, `q=${other.clientId}`)).items.map((s) => s.id),
    [other.id],
    'by client id',
  );
  t.same(
    (await adminList(admin, `q=${encodeURIComponent(alice.email.toUpperCase())}`)).items.map((s) => s.id),
    [aliceSecond.id, named.id],
    'by owner e-mail',
  );
  t.same((await adminList(admin, `q=${uniqueTag()}`)).items, [], 'nothing for a word no service has');
});

t.test('treats LIKE wildcards in the search as literal characters', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  const percent = await createService(dev, { name: `${tag} 50% off` });
  await createService(dev, { name: `${tag} 50 and more off` });
  const underscore = await createService(dev, { name: `${tag} a_b` });
  await createService(dev, { name: `${tag} axb` });
  const backslash = await createService(dev, { name: `${tag} c\\d` });
  await createService(dev, { name: `${tag} cd` });

  const search = async (text: string) =>
    (await adminList(admin, `q=${encodeURIComponent(text)}`)).items.map((s) => s.id);
  t.same(await search(`${tag} 50%`), [percent.id], '% matches only a percent sign');
  t.same(await search(`${tag} a_b`), [underscore.id], '_ matches only an underscore');
  t.same(await search(`${tag} c\\`), [backslash.id], 'a backslash matches only a backslash');
  t.same(await search(`${tag}_`), [], 'an underscore does not stand for the space after the tag');
  t.same(await search(`${tag}%`), [], 'nor does a percent sign');
});

t.test('pages through the admin list without overlap or gaps', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  const created: string[] = [];
  for (let i = 0; i < 5; i++) created.push((await createService(dev, { name: `${tag} ${i}` })).id);
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 10; round++) {
    const page: Page<ServiceView> = await adminList(admin, `q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    t.ok(page.items.length <= 2);
    seen.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  t.same(seen, [...created].reverse());
});

t.test("gets any owner's service by id", async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await serviceInStatus(dev, admin, 'under_review');
  const response = await admin.request('GET', `${ADMIN}/${service.id}`);
  t.equal(response.statusCode, 200);
  t.match(response.json(), { id: service.id, status: 'under_review', owner: { id: dev.id, email: dev.email } });
  t.same([...response.json().availableActions].sort(), ['approve', 'reject', 'return']);
  expectProblem(t, await admin.request('GET', `${ADMIN}/00000000-0000-7000-8000-000000000000`), 404, 'not_found');
  expectProblem(t, await admin.request('GET', `${ADMIN}/nope`), 400, 'validation_failed');
});

t.test('approves with an optional note, records the review and queues production', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await serviceInStatus(dev, admin, 'under_review');
  t.equal(service.environments.production, null, 'not in production before approval');
  const response = await admin.request('POST', `${ADMIN}/${service.id}/approve`, { note: '  Looks good.  ' });
  t.equal(response.statusCode, 200);
  const approved = response.json() as ServiceView;
  t.match(approved, { status: 'active', reviewNote: 'Looks good.', rejectionReason: null });
  t.ok(approved.reviewedAt, 'records when it was reviewed');
  t.match(approved.environments.production, { state: 'pending', clientId: service.clientId });
  t.same(approved.availableActions, ['deactivate'], 'the admin sees what they may do next');

  const seenByOwner = (await dev.request('GET', `/api/v1/backend-services/${service.id}`)).json();
  t.match(seenByOwner, { status: 'active', reviewNote: 'Looks good.' });

  const blank = await serviceInStatus(dev, admin, 'under_review');
  const noNote = await admin.request('POST', `${ADMIN}/${blank.id}/approve`, { note: '   ' });
  t.equal(noNote.json().reviewNote, null, 'a blank note is no note');
  const bodiless = await serviceInStatus(dev, admin, 'under_review');
  const withoutBody = await app.inject({
    method: 'POST',
    url: `${ADMIN}/${bodiless.id}/approve`,
    headers: { authorization: `Bearer ${admin.token}` },
  });
  t.equal(withoutBody.statusCode, 200, 'a partner tool may approve without sending a body');
  const tooLong = await serviceInStatus(dev, admin, 'under_review');
  const refused = await admin.request('POST', `${ADMIN}/${tooLong.id}/approve`, { note: 'x'.repeat(2001) });
  t.same(errorPaths(expectProblem(t, refused, 400, 'validation_failed')), ['/body/note']);
});

t.test('rejects with a reason the developer reads as rejectionReason', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await serviceInStatus(dev, admin, 'under_review');
  const response = await admin.request('POST', `${ADMIN}/${service.id}/reject`, { reason: 'Scopes too broad.' });
  t.equal(response.statusCode, 200);
  t.match(response.json(), { status: 'rejected', rejectionReason: 'Scopes too broad.', reviewNote: null });
  t.ok(response.json().reviewedAt);
  const seenByOwner = (await dev.request('GET', `/api/v1/backend-services/${service.id}`)).json();
  t.match(seenByOwner, {
    status: 'rejected',
    rejectionReason: 'Scopes too broad.',
    availableActions: ['delete', 'copy'],
  });
});

t.test('deactivates an active service with a reason, queueing both environments', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await serviceInStatus(dev, admin, 'active');
  const response = await admin.request('POST', `${ADMIN}/${service.id}/deactivate`, { reason: 'Key leaked.' });
  t.equal(response.statusCode, 200);
  const deactivated = response.json() as ServiceView;
  t.match(deactivated, { status: 'rejected', rejectionReason: 'Key leaked.' });
  t.equal(deactivated.environments.sandbox.state, 'pending');
  t.equal(deactivated.environments.production.state, 'pending');
});

t.test('answers 404 when deciding on a service that does not exist', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const missing = '00000000-0000-7000-8000-000000000000';
  expectProblem(t, await admin.request('POST', `${ADMIN}/${missing}/approve`, {}), 404, 'not_found');
  expectProblem(t, await admin.request('POST', `${ADMIN}/${missing}/reject`, { reason: 'x' }), 404, 'not_found');
  expectProblem(t, await admin.request('POST', `${ADMIN}/${missing}/deactivate`, { reason: 'x' }), 404, 'not_found');
});

t.test("lists a service's audit events newest first with actor and statuses", async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await serviceInStatus(dev, admin, 'active');
  await createService(dev);
  const page = await auditEvents(admin, `serviceId=${service.id}`);
  t.same(
    page.items.map((e) => [e.action, e.fromStatus, e.toStatus, e.actor?.id]),
    [
      ['approve', 'under_review', 'active', admin.id],
      ['submit', 'draft', 'under_review', dev.id],
      ['create', null, 'draft', dev.id],
    ],
  );
  t.ok(
    page.items.every((e) => e.serviceId === service.id && e.serviceName === service.name),
    'every event names the service',
  );
  t.equal(page.nextCursor, null);
});

t.test('filters audit events by actor and by action', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const approved = await serviceInStatus(dev, admin, 'active');
  const rejected = await serviceInStatus(dev, admin, 'rejected');

  const byAdmin = await auditEvents(admin, `actorId=${admin.id}`);
  t.same(
    byAdmin.items.map((e) => [e.action, e.serviceId]),
    [
      ['reject', rejected.id],
      ['approve', approved.id],
    ],
  );
  const byDev = await auditEvents(admin, `actorId=${dev.id}&action=submit`);
  t.same(
    byDev.items.map((e) => e.serviceId),
    [rejected.id, approved.id],
  );
  const rejects = await auditEvents(admin, `action=reject&serviceId=${rejected.id}`);
  t.same(
    rejects.items.map((e) => [e.action, e.detail]),
    [['reject', { reason: 'not this time' }]],
  );
  t.same((await auditEvents(admin, `action=approve&serviceId=${rejected.id}`)).items, []);
});

t.test('pages through audit events without overlap or gaps', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await createService(dev);
  for (let i = 0; i < 2; i++) {
    await dev.request('POST', `/api/v1/backend-services/${service.id}/submit`);
    await dev.request('POST', `/api/v1/backend-services/${service.id}/withdraw`);
  }
  const all = (await auditEvents(admin, `serviceId=${service.id}`)).items.map((e) => e.id);
  t.equal(all.length, 5);
  const seen: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 10; round++) {
    const page: Page<EventView> = await auditEvents(
      admin,
      `serviceId=${service.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
    );
    sizes.push(page.items.length);
    seen.push(...page.items.map((e) => e.id));
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  t.same(sizes, [2, 2, 1]);
  t.same(seen, all);
});

t.test('refuses bad audit event filters with 400', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  for (const [query, path] of [
    ['action=teleport', '/querystring/action'],
    ['serviceId=abc', '/querystring/serviceId'],
    ['actorId=abc', '/querystring/actorId'],
    ['since=yesterday', '/querystring/since'],
  ] as const) {
    const problem = expectProblem(t, await admin.request('GET', `${AUDIT}?${query}`), 400, 'validation_failed');
    t.same(errorPaths(problem), [path], query);
  }
});

t.test('refuses every admin route to a developer with 403', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await serviceInStatus(dev, admin, 'under_review');
  const routes: [string, string, unknown?][] = [
    ['GET', ADMIN],
    ['GET', `${ADMIN}/${service.id}`],
    ['POST', `${ADMIN}/${service.id}/approve`, {}],
    ['POST', `${ADMIN}/${service.id}/reject`, { reason: 'x' }],
    ['POST', `${ADMIN}/${service.id}/deactivate`, { reason: 'x' }],
    ['GET', AUDIT],
    ['GET', `${AUDIT}/export`],
    ['GET', '/api/v1/admin/review-queue'],
  ];
  for (const [method, url, body] of routes) {
    expectProblem(t, await dev.request(method, url, body), 403, 'forbidden');
  }
  t.equal((await admin.request('GET', `${ADMIN}/${service.id}`)).json().status, 'under_review');
});

t.test('refuses every admin route without a token with 401', async (t) => {
  const app = await buildTestApp(t);
  const id = '00000000-0000-7000-8000-000000000000';
  const routes: [string, string][] = [
    ['GET', ADMIN],
    ['GET', `${ADMIN}/${id}`],
    ['POST', `${ADMIN}/${id}/approve`],
    ['POST', `${ADMIN}/${id}/reject`],
    ['POST', `${ADMIN}/${id}/deactivate`],
    ['GET', AUDIT],
    ['GET', `${AUDIT}/export`],
    ['GET', '/api/v1/admin/review-queue'],
  ];
  for (const [method, url] of routes) {
    const response = await app.inject({ method: method as 'GET', url });
    expectProblem(t, response, 401, 'unauthenticated');
    t.equal(response.headers['www-authenticate'], 'Bearer');
  }
});
