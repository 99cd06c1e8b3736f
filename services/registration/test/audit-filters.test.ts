import { randomBytes } from 'node:crypto';
import t from 'tap';
import { buildTestApp, createService, createUser, type TestUser } from './helpers/app.ts';
import { parseCsv } from './helpers/csv.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import type { EventView } from './helpers/services.ts';

const AUDIT = '/api/v1/admin/audit-events';
const EXPORT = '/api/v1/admin/audit-events/export';
const BASE = '/api/v1/backend-services';

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

/** A word no other test's data contains, so that a filter on it sees only this test's events. */
const uniqueTag = () => `tag${randomBytes(4).toString('hex')}`;

async function page(admin: TestUser, query: string): Promise<{ items: EventView[]; nextCursor: string | null }> {
  const response = await admin.request('GET', `${AUDIT}?${query}`);
  if (response.statusCode !== 200) throw new Error(`audit events failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function listed(admin: TestUser, query: Record<string, string>): Promise<EventView[]> {
  return (await page(admin, `limit=100&${new URLSearchParams(query)}`)).items;
}

/** [service name, action] of each event, newest first. */
const summary = (events: readonly EventView[]) => events.map((e) => [e.serviceName, e.action]);

/** Writes an event with a creation time of our choosing (the trail is append-only, so inserting is all it allows). */
async function pastEvent(app: TestApp, serviceId: string, actor: TestUser, createdAt: string): Promise<void> {
  await app.db
    .insertInto('serviceEvents')
    .values({
      serviceId,
      actorId: actor.id,
      action: 'edit',
      serviceStatus: 'draft',
      detail: JSON.stringify({ changed: ['description'], changes: { description: { from: null, to: createdAt } } }),
      createdAt: new Date(createdAt),
    })
    .execute();
}

t.test('filters by part of the service name in any case, deleted services included', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  await createService(dev, { name: `Claims ${tag} sync` });
  await createService(dev, { name: `Eligibility ${tag}` });
  const old = await createService(dev, { name: `Old claims ${tag}` });
  t.equal((await dev.request('DELETE', `${BASE}/${old.id}`)).statusCode, 204);

  t.same(summary(await listed(admin, { service: `CLAIMS ${tag.toUpperCase()} SYNC` })), [
    [`Claims ${tag} sync`, 'create'],
  ]);
  t.same(summary(await listed(admin, { service: `claims ${tag}` })), [
    [`Old claims ${tag}`, 'delete'],
    [`Old claims ${tag}`, 'create'],
    [`Claims ${tag} sync`, 'create'],
  ]);
  t.equal((await listed(admin, { service: tag })).length, 4, 'every service whose name holds the text');
  t.same(await listed(admin, { service: `${tag} nowhere` }), []);
});

t.test('matches %, _ and \\ in a service name or e-mail as themselves, not as wildcards', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  await createService(dev, { name: `${tag} 50%_off` });
  await createService(dev, { name: `${tag} 50 and off` });
  await createService(dev, { name: `${tag} 50xyoff` });
  await createService(dev, { name: `${tag} back\\slash` });
  await createService(dev, { name: `${tag} backslash` });

  t.same(summary(await listed(admin, { service: `${tag} 50%_` })), [[`${tag} 50%_off`, 'create']]);
  t.same(summary(await listed(admin, { service: `${tag} 50_` })), [], 'an underscore is one, not any character');
  t.same(summary(await listed(admin, { service: `${tag} back\\s` })), [[`${tag} back\\slash`, 'create']]);
  t.equal((await listed(admin, { service: `${tag}%` })).length, 0, 'a percent sign is one, not anything');
  for (const event of await listed(admin, { actorEmail: '%' })) {
    t.ok(event.actor?.email.includes('%'), 'only e-mail addresses with a percent sign');
  }
  t.same(await listed(admin, { actorEmail: `${dev.email.slice(0, 12)}_` }), [], 'an underscore in an e-mail');
});

t.test('filters by the exact client id', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  const first = await createService(dev, { name: `First ${tag}` });
  await createService(dev, { name: `Second ${tag}` });
  t.equal((await dev.request('POST', `${BASE}/${first.id}/submit`)).statusCode, 200);

  t.same(summary(await listed(admin, { clientId: first.clientId })), [
    [`First ${tag}`, 'submit'],
    [`First ${tag}`, 'create'],
  ]);
  t.same(await listed(admin, { clientId: first.clientId.slice(0, -1) }), [], 'part of a client id matches nothing');
  t.same(await listed(admin, { clientId: first.clientId.toUpperCase() }), [], 'client ids are compared exactly');
});

t.test("filters by part of the actor's e-mail address in any case", async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const alice = await createUser(app);
  const bob = await createUser(app);
  const tag = uniqueTag();
  const service = await createService(alice, { name: `Alice ${tag}` });
  await createService(bob, { name: `Bob ${tag}` });
  t.equal((await alice.request('POST', `${BASE}/${service.id}/submit`)).statusCode, 200);
  const approved = await admin.request('POST', `/api/v1/admin/backend-services/${service.id}/approve`, {});
  t.equal(approved.statusCode, 200);

  t.same(summary(await listed(admin, { actorEmail: alice.email.toUpperCase() })), [
    [`Alice ${tag}`, 'submit'],
    [`Alice ${tag}`, 'create'],
  ]);
  const local = bob.email.split('@')[0] ?? '';
  t.same(summary(await listed(admin, { actorEmail: local })), [[`Bob ${tag}`, 'create']], 'a part of it');
  t.same(summary(await listed(admin, { actorEmail: admin.email, service: tag })), [[`Alice ${tag}`, 'approve']]);
});

t.test('filters by a date range, from inclusive and to exclusive, in any time zone', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await createService(dev, { name: `Dated ${uniqueTag()}` });
  for (const day of ['2021-03-01', '2021-03-02', '2021-03-03']) {
    await pastEvent(app, service.id, dev, `${day}T00:00:00.000Z`);
  }
  const days = async (query: Record<string, string>) =>
    (await listed(admin, { serviceId: service.id, ...query })).map((e) => e.createdAt.slice(0, 10));
  const today = new Date().toISOString().slice(0, 10);

  t.same(await days({ from: '2021-03-02T00:00:00Z', to: '2021-03-03T00:00:00Z' }), ['2021-03-02']);
  t.same(await days({ from: '2021-03-02T01:00:00+01:00', to: '2021-03-03T00:00:00.001Z' }), [
    '2021-03-03',
    '2021-03-02',
  ]);
  t.same(await days({ to: '2021-03-02T00:00:00Z' }), ['2021-03-01'], 'to alone');
  t.same((await days({ from: '2021-03-03T00:00:00Z' })).sort(), ['2021-03-03', today].sort(), 'from alone');
  t.same(await days({ from: '2021-03-02T00:00:00Z', to: '2021-03-02T00:00:00Z' }), [], 'an empty range');
});

t.test('combines every filter', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const other = await createUser(app);
  const tag = uniqueTag();
  const service = await createService(dev, { name: `Combined ${tag}` });
  await createService(other, { name: `Combined ${tag} too` });
  t.equal((await dev.request('POST', `${BASE}/${service.id}/submit`)).statusCode, 200);
  await pastEvent(app, service.id, dev, '2021-03-02T00:00:00.000Z');
  const from = new Date(Date.now() - 3_600_000).toISOString();

  const all = { service: tag, clientId: service.clientId, actorEmail: dev.email, action: 'submit', from };
  t.same(summary(await listed(admin, all)), [[`Combined ${tag}`, 'submit']]);
  t.same(summary(await listed(admin, { ...all, action: 'create' })), [[`Combined ${tag}`, 'create']]);
  t.same(await listed(admin, { ...all, actorEmail: other.email }), [], "another actor's e-mail");
  t.same(await listed(admin, { ...all, service: `${tag} too` }), [], "another service's name");
  t.same(summary(await listed(admin, { service: tag, action: 'edit', to: from })), [[`Combined ${tag}`, 'edit']]);
});

t.test('pages through filtered events with the cursor, each once and newest first', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  const wanted = await createService(dev, { name: `Paged ${tag}` });
  const noise = await createService(dev, { name: `Noise ${tag}` });
  // Interleaved, so that each filtered page has to skip events of the other service.
  for (const step of ['submit', 'withdraw', 'submit', 'withdraw', 'submit']) {
    t.equal((await dev.request('POST', `${BASE}/${wanted.id}/${step}`)).statusCode, 200);
    t.equal((await dev.request('POST', `${BASE}/${noise.id}/${step}`)).statusCode, 200);
  }
  const query = new URLSearchParams({ service: `paged ${tag}`, actorEmail: dev.email, limit: '2' });
  const seen: EventView[] = [];
  let pages = 0;
  for (let cursor: string | null = ''; cursor !== null; pages++) {
    const next = await page(admin, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
    t.ok(next.items.length <= 2);
    seen.push(...next.items);
    cursor = next.nextCursor;
  }
  t.equal(pages, 3, 'six events in pages of two');
  t.same(
    seen.map((e) => e.action),
    ['submit', 'withdraw', 'submit', 'withdraw', 'submit', 'create'],
  );
  t.ok(
    seen.every((e) => e.serviceId === wanted.id),
    'only the filtered service',
  );
  t.same(
    seen.map((e) => e.id),
    [...seen.map((e) => e.id)].sort((a, b) => Number(b) - Number(a)),
    'newest first',
  );
});

t.test('exports only the events the new filters match, as listed', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  const service = await createService(dev, { name: `Exported ${tag} 100%` });
  await createService(dev, { name: `Exported ${tag} 1000` });
  await pastEvent(app, service.id, dev, '2021-03-02T00:00:00.000Z');
  for (const query of [
    { service: `${tag} 100%` },
    { clientId: service.clientId },
    { actorEmail: dev.email.toUpperCase(), service: tag },
    { service: tag, from: '2021-03-01T00:00:00Z', to: '2021-03-03T00:00:00Z' },
  ]) {
    const response = await admin.request('GET', `${EXPORT}?${new URLSearchParams(query)}`);
    t.equal(response.statusCode, 200);
    const [, ...rows] = parseCsv(response.body);
    const events = await listed(admin, query);
    t.ok(events.length > 0, JSON.stringify(query));
    t.same(
      rows.map((r) => [r[0], r[3], r[4]]),
      events.map((e) => [e.id, e.serviceName, e.action]),
      `export of ${JSON.stringify(query)}`,
    );
  }
  const dated = await admin.request('GET', `${EXPORT}?service=${tag}&to=2021-03-03T00:00:00Z`);
  t.same(
    parseCsv(dated.body).map((r) => [r[1], r[4]]),
    [
      ['created_at', 'action'],
      ['2021-03-02T00:00:00.000Z', 'edit'],
    ],
  );
});

t.test('refuses a date range that ends before it starts with 400 invalid_date_range and a sentence', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  for (const url of [AUDIT, EXPORT]) {
    const response = await admin.request('GET', `${url}?from=2021-03-02T00:00:00Z&to=2021-03-01T23:59:59Z`);
    const problem = expectProblem(t, response, 400, 'invalid_date_range');
    t.equal(
      problem.detail,
      'The date range ends before it starts: from (2021-03-02T00:00:00Z) is after to (2021-03-01T23:59:59Z).',
    );
    t.same(errorPaths(problem), ['/querystring/to']);
    // The same instant written in another zone is no reversed range.
    const same = await admin.request('GET', `${url}?from=2021-03-02T01:00:00%2B01:00&to=2021-03-02T00:00:00Z`);
    t.equal(same.statusCode, 200, `${url}: from equal to to is an empty range`);
  }
});

t.test('refuses bad filter values with 400 naming the parameter, never a failure', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const cases = [
    ['service=', '/querystring/service'],
    [`service=${'a'.repeat(201)}`, '/querystring/service'],
    [`service=${encodeURIComponent('a\u0000b')}`, '/querystring/service'],
    ['clientId=', '/querystring/clientId'],
    ['actorEmail=', '/querystring/actorEmail'],
    [`actorEmail=${'a'.repeat(255)}`, '/querystring/actorEmail'],
    ['from=yesterday', '/querystring/from'],
    ['from=2021-03-01', '/querystring/from'],
    ['from=2021-03-01T00:00:00', '/querystring/from'],
    ['to=2021-02-30T00:00:00Z', '/querystring/to'],
    ['to=2021-12-31T23:59:60Z', '/querystring/to'],
    ['from=0000-01-01T00:00:00Z', '/querystring/from'],
    ['serviceName=x', '/querystring/serviceName'],
  ] as const;
  for (const url of [AUDIT, EXPORT]) {
    for (const [query, path] of cases) {
      const problem = expectProblem(t, await admin.request('GET', `${url}?${query}`), 400, 'validation_failed');
      t.same(errorPaths(problem), [path], `${url}?${query.slice(0, 30)}`);
    }
  }
  const latest = await admin.request('GET', `${AUDIT}?from=9999-12-31T23:59:59-23:59`);
  t.same(latest.json().items, [], 'the latest instant the format allows is a valid filter');
});

t.test('filters by a system event: what the provisioner and the key set re-check record, with no actor', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = uniqueTag();
  const service = await createService(dev, { name: `Watched ${tag}` });
  // Recorded as the notifier records a failed scheduled check (and the provisioner a given-up environment): no actor.
  for (const action of ['provisioning_failed', 'jwks_check_failed'] as const) {
    await app.db
      .insertInto('serviceEvents')
      .values({ serviceId: service.id, actorId: null, action, serviceStatus: 'draft', detail: JSON.stringify({}) })
      .execute();
  }
  t.same(summary(await listed(admin, { service: tag, action: 'jwks_check_failed' })), [
    [`Watched ${tag}`, 'jwks_check_failed'],
  ]);
  t.same(summary(await listed(admin, { service: tag, action: 'provisioning_failed' })), [
    [`Watched ${tag}`, 'provisioning_failed'],
  ]);
});
