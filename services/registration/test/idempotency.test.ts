import { randomUUID } from 'node:crypto';
import t from 'tap';
import { buildTestApp, createUser, serviceInput, type TestUser } from './helpers/app.ts';
import { listen } from './helpers/http.ts';
import { expectProblem } from './helpers/problem.ts';
import type { ServiceView } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';

async function ownServiceIds(user: TestUser): Promise<string[]> {
  const response = await user.request('GET', `${BASE}?limit=100`);
  return (response.json() as { items: ServiceView[] }).items.map((s) => s.id);
}

t.test('replays the first response for the same key and body', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const key = randomUUID();
  const body = serviceInput({ description: 'retried' });
  const first = await dev.request('POST', BASE, body, { 'idempotency-key': key });
  t.equal(first.statusCode, 201);
  t.notOk(first.headers['idempotent-replayed'], 'the first response is not a replay');
  const second = await dev.request('POST', BASE, body, { 'idempotency-key': key });
  t.equal(second.statusCode, 201);
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.same(second.json(), first.json(), 'the same representation');
  t.equal(second.headers.location, first.headers.location);
  t.equal(second.headers.etag, first.headers.etag);
  t.same(await ownServiceIds(dev), [first.json().id], 'only one service exists');
});

t.test('treats the same body with its members in another order as the same request', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const key = randomUUID();
  const body = serviceInput();
  const reordered = Object.fromEntries(Object.entries(body).reverse());
  const first = await dev.request('POST', BASE, body, { 'idempotency-key': key });
  const second = await dev.request('POST', BASE, reordered, { 'idempotency-key': key });
  t.equal(second.statusCode, 201);
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.equal(second.json().id, first.json().id);
});

t.test('refuses the same key with a different body with 422', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const key = randomUUID();
  const first = await dev.request('POST', BASE, serviceInput({ name: 'first' }), { 'idempotency-key': key });
  t.equal(first.statusCode, 201);
  const second = await dev.request('POST', BASE, serviceInput({ name: 'second' }), { 'idempotency-key': key });
  expectProblem(t, second, 422, 'idempotency_key_reused');
  t.same(await ownServiceIds(dev), [first.json().id]);
});

t.test('lets different users use the same key independently', async (t) => {
  const app = await buildTestApp(t);
  const alice = await createUser(app);
  const bob = await createUser(app);
  const key = randomUUID();
  const body = serviceInput();
  const forAlice = await alice.request('POST', BASE, body, { 'idempotency-key': key });
  const forBob = await bob.request('POST', BASE, body, { 'idempotency-key': key });
  t.equal(forAlice.statusCode, 201);
  t.equal(forBob.statusCode, 201);
  t.notOk(forBob.headers['idempotent-replayed'], "Bob's request is not a replay of Alice's");
  t.not(forBob.json().id, forAlice.json().id);
  t.equal(forBob.json().owner.id, bob.id);
  const otherBody = await bob.request('POST', BASE, serviceInput({ name: 'other' }), {
    'idempotency-key': randomUUID(),
  });
  t.equal(otherBody.statusCode, 201);
  t.same((await ownServiceIds(alice)).length, 1);
  t.same((await ownServiceIds(bob)).length, 2);
});

t.test('creates a service per request without a key, and per distinct key', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const body = serviceInput();
  await dev.request('POST', BASE, body);
  await dev.request('POST', BASE, body);
  await dev.request('POST', BASE, body, { 'idempotency-key': randomUUID() });
  await dev.request('POST', BASE, body, { 'idempotency-key': randomUUID() });
  t.equal((await ownServiceIds(dev)).length, 4);
});

t.test('does not use up a key on a request that was refused', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const key = randomUUID();
  const invalid = await dev.request('POST', BASE, serviceInput({ authMethod: 'jwks_uri' }), { 'idempotency-key': key });
  expectProblem(t, invalid, 400, 'validation_failed');
  const badScopes = await dev.request('POST', BASE, serviceInput({ scopes: ['system/Patient.sr'] }), {
    'idempotency-key': key,
  });
  expectProblem(t, badScopes, 400, 'validation_failed');
  const valid = await dev.request('POST', BASE, serviceInput(), { 'idempotency-key': key });
  t.equal(valid.statusCode, 201);
  t.notOk(valid.headers['idempotent-replayed']);
  t.equal((await ownServiceIds(dev)).length, 1);
});

t.test('ten concurrent creates with one key make exactly one service', async (t) => {
  const app = await buildTestApp(t);
  const http = await listen(app);
  const dev = await createUser(app);
  const key = randomUUID();
  const body = serviceInput();
  const responses = await Promise.all(
    Array.from({ length: 10 }, () => http.send(dev.token, 'POST', BASE, body, { 'idempotency-key': key })),
  );
  t.same(
    responses.map((r) => r.statusCode),
    Array(10).fill(201),
    'every request answers 201',
  );
  const ids = new Set(responses.map((r) => r.json().id));
  t.equal(ids.size, 1, 'all name the same service');
  t.equal(responses.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 9, 'nine are replays');
  t.same(await ownServiceIds(dev), [...ids]);
});
