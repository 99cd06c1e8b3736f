import { randomInt } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import t from 'tap';
import { createApiToken } from '../src/modules/api-tokens/service.ts';
import { buildTestApp, createUser, serviceInput, type TestUser, testDatabaseUrl } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';

const TOKENS = '/api/v1/api-tokens';
const SERVICES = '/api/v1/backend-services';
const NEW_TOKEN = { name: 'limited', expiresInDays: 1 };

/**
 * A client address of this test alone (a loopback one: nothing is sent anywhere, `inject` only reports it), since
 * per-address counts live in the database every suite shares.
 */
function freshAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly from: string;
  readonly token?: string;
  readonly body?: object;
  readonly headers?: Record<string, string>;
}

function call(app: FastifyInstance, request: Call): Promise<LightMyRequestResponse> {
  return app.inject({
    method: request.method,
    url: request.url,
    remoteAddress: request.from,
    headers: { ...(request.token && { authorization: `Bearer ${request.token}` }), ...request.headers },
    ...(request.body && { payload: request.body }),
  });
}

/** Creates a personal access token as `user` from `from`: a cheap write that queues nothing. */
const createToken = (app: FastifyInstance, user: TestUser, from: string, token = user.token) =>
  call(app, { method: 'POST', url: TOKENS, from, token, body: NEW_TOKEN });

/** Ends every running window of `keyPart`'s limits, as the clock would a minute later. */
async function endWindows(app: FastifyInstance, keyPart: string): Promise<void> {
  await sql`update rate_limit_windows set resets_at = now() where position(${keyPart} in key) > 0`.execute(app.db);
}

t.test('refuses changes beyond the per-user limit with a 429 problem, and leaves other users alone', async (t) => {
  const app = await buildTestApp(t, { WRITE_RATE_LIMIT_PER_USER: '3' });
  const [dev, other] = [await createUser(app), await createUser(app)];
  const from = freshAddress();
  for (const remaining of ['2', '1', '0']) {
    const created = await createToken(app, dev, from);
    t.equal(created.statusCode, 201);
    t.equal(created.headers['x-ratelimit-limit'], '3', 'names the limit closest to refusing');
    t.equal(created.headers['x-ratelimit-remaining'], remaining);
  }
  const refused = await createToken(app, dev, from);
  const problem = expectProblem(t, refused, 429, 'rate_limited');
  t.match(problem.detail, /^At most 3 changes a minute per user; try again in \d+ seconds?\.$/);
  const retryAfter = Number(refused.headers['retry-after']);
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After is within the minute (${retryAfter})`);
  t.equal(refused.headers['x-ratelimit-limit'], '3');
  t.equal(refused.headers['x-ratelimit-remaining'], '0');
  t.equal(refused.headers['x-ratelimit-reset'], String(retryAfter));
  t.equal((await createToken(app, other, from)).statusCode, 201, 'another user from the same address may change');
});

t.test('counts all the tokens of a user against one limit', async (t) => {
  const app = await buildTestApp(t, { WRITE_RATE_LIMIT_PER_USER: '3' });
  const dev = await createUser(app);
  const { token: second } = await createApiToken(app.db, dev.id, { name: 'second', expiresInDays: 1 }, 1);
  const from = freshAddress();
  t.equal((await createToken(app, dev, from)).statusCode, 201);
  t.equal((await createToken(app, dev, from)).statusCode, 201);
  t.equal((await createToken(app, dev, from, second)).statusCode, 201);
  expectProblem(t, await createToken(app, dev, from, second), 429, 'rate_limited');
});

t.test('limits the changes from one client address across users', async (t) => {
  const app = await buildTestApp(t, { WRITE_RATE_LIMIT_PER_ADDRESS: '3' });
  const [first, second] = [await createUser(app), await createUser(app)];
  const from = freshAddress();
  t.equal((await createToken(app, first, from)).statusCode, 201);
  t.equal((await createToken(app, first, from)).statusCode, 201);
  t.equal((await createToken(app, second, from)).statusCode, 201);
  const problem = expectProblem(t, await createToken(app, second, from), 429, 'rate_limited');
  t.match(problem.detail, /^At most 3 changes a minute from one address;/);
  t.equal((await createToken(app, second, freshAddress())).statusCode, 201, 'the user may change from elsewhere');
});

t.test('two replicas on one database share the counts', async (t) => {
  const env = { WRITE_RATE_LIMIT_PER_USER: '3' };
  const [one, two] = [await buildTestApp(t, env), await buildTestApp(t, env)];
  const dev = await createUser(one);
  const from = freshAddress();
  t.equal((await createToken(one, dev, from)).statusCode, 201);
  t.equal((await createToken(two, dev, from)).statusCode, 201);
  t.equal((await createToken(one, dev, from)).statusCode, 201);
  expectProblem(t, await createToken(two, dev, from), 429, 'rate_limited');
  expectProblem(t, await createToken(one, dev, from), 429, 'rate_limited');
});

t.test('never limits the reads of signed-in users', async (t) => {
  const app = await buildTestApp(t, { WRITE_RATE_LIMIT_PER_USER: '1', ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '1' });
  const dev = await createUser(app);
  const from = freshAddress();
  for (let i = 0; i < 5; i++) {
    const read = await call(app, { method: 'GET', url: SERVICES, from, token: dev.token });
    t.equal(read.statusCode, 200);
    t.equal(read.headers['x-ratelimit-limit'], undefined, 'no limit applies');
  }
});

t.test('bounds anonymous requests per client address, failed authentication included', async (t) => {
  const app = await buildTestApp(t, { ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '3' });
  const from = freshAddress();
  const document = await call(app, { method: 'GET', url: '/api/openapi.json', from });
  t.equal(document.statusCode, 200);
  t.equal(document.headers['x-ratelimit-remaining'], '2');
  t.equal((await call(app, { method: 'GET', url: '/api/v1/me', from })).statusCode, 401);
  t.equal((await call(app, { method: 'GET', url: '/api/auth/login', from })).statusCode, 404, 'sign-in counts too');
  const refused = await call(app, { method: 'GET', url: '/api/openapi.json', from });
  const problem = expectProblem(t, refused, 429, 'rate_limited');
  t.match(problem.detail, /^At most 3 requests a minute from one address without signing in;/);
  t.ok(Number(refused.headers['retry-after']) >= 1);
  t.equal((await call(app, { method: 'GET', url: '/api/openapi.json', from: freshAddress() })).statusCode, 200);
});

t.test('bounds token guessing: an address over the anonymous limit is refused even a valid token', async (t) => {
  const app = await buildTestApp(t, { ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '2' });
  const dev = await createUser(app);
  const from = freshAddress();
  const guess = () => call(app, { method: 'GET', url: '/api/v1/me', from, token: `pbx_pat_${'x'.repeat(43)}` });
  for (let i = 0; i < 3; i++) t.equal((await guess()).statusCode, 401, `guess ${i + 1} is counted`);
  expectProblem(t, await guess(), 429, 'rate_limited');
  expectProblem(t, await call(app, { method: 'GET', url: '/api/v1/me', from, token: dev.token }), 429, 'rate_limited');
  const elsewhere = await call(app, { method: 'GET', url: '/api/v1/me', from: freshAddress(), token: dev.token });
  t.equal(elsewhere.statusCode, 200, 'the token works from other addresses');
});

t.test('never limits the health probes, nor makes them wait on the database', async (t) => {
  const app = await buildTestApp(t, { ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '1' });
  const from = freshAddress();
  t.equal((await call(app, { method: 'GET', url: '/api/openapi.json', from })).statusCode, 200);
  expectProblem(t, await call(app, { method: 'GET', url: '/api/openapi.json', from }), 429, 'rate_limited');
  for (const url of ['/api/health', '/api/ready', '/api/health', '/api/ready', '/metrics']) {
    const probe = await call(app, { method: 'GET', url, from });
    t.equal(probe.statusCode, 200, `${url} answers`);
    t.equal(probe.headers['x-ratelimit-limit'], undefined, `${url} is not counted`);
  }
});

t.test('counts afresh once the window has ended', async (t) => {
  const app = await buildTestApp(t, { WRITE_RATE_LIMIT_PER_USER: '1' });
  const dev = await createUser(app);
  const from = freshAddress();
  t.equal((await createToken(app, dev, from)).statusCode, 201);
  expectProblem(t, await createToken(app, dev, from), 429, 'rate_limited');
  await endWindows(app, dev.id);
  const again = await createToken(app, dev, from);
  t.equal(again.statusCode, 201);
  t.equal(again.headers['x-ratelimit-remaining'], '0', 'the new window counts this one');
});

t.test('a refused create registers nothing and queues no provisioning', async (t) => {
  const app = await buildTestApp(t, { WRITE_RATE_LIMIT_PER_USER: '1' });
  const dev = await createUser(app);
  const from = freshAddress();
  const create = () => call(app, { method: 'POST', url: SERVICES, from, token: dev.token, body: serviceInput() });
  t.equal((await create()).statusCode, 201);
  expectProblem(t, await create(), 429, 'rate_limited');
  const services = await app.db.selectFrom('backendServices').select('id').where('ownerId', '=', dev.id).execute();
  t.equal(services.length, 1, 'one service');
  const jobs = await app.db
    .selectFrom('provisioningJobs')
    .innerJoin('backendServices', 'backendServices.id', 'provisioningJobs.serviceId')
    .select('provisioningJobs.id')
    .where('backendServices.ownerId', '=', dev.id)
    .execute();
  t.equal(jobs.length, 1, "one provisioning job, the first service's");
});

t.test('counts invalid changes too, so the limit is met before the body is checked', async (t) => {
  const app = await buildTestApp(t, { WRITE_RATE_LIMIT_PER_USER: '1' });
  const dev = await createUser(app);
  const from = freshAddress();
  const invalid = await call(app, { method: 'POST', url: TOKENS, from, token: dev.token, body: { name: '' } });
  t.equal(invalid.statusCode, 400);
  expectProblem(t, await createToken(app, dev, from), 429, 'rate_limited');
});

t.test('counts the client X-Forwarded-For names only behind a trusted proxy', async (t) => {
  const limit = { ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '1' };
  const behindProxy = await buildTestApp(t, { ...limit, TRUSTED_PROXIES: 'loopback' });
  const proxy = freshAddress();
  const via = (app: FastifyInstance, client: string) =>
    call(app, { method: 'GET', url: '/api/openapi.json', from: proxy, headers: { 'x-forwarded-for': client } });
  const [client, otherClient] = [freshAddress(), freshAddress()];
  t.equal((await via(behindProxy, client)).statusCode, 200);
  expectProblem(t, await via(behindProxy, client), 429, 'rate_limited');
  t.equal((await via(behindProxy, otherClient)).statusCode, 200, 'each client behind the proxy counts apart');

  const direct = await buildTestApp(t, limit);
  t.equal((await via(direct, freshAddress())).statusCode, 200);
  expectProblem(t, await via(direct, freshAddress()), 429, 'rate_limited');
});

t.test('lets requests through, with a warning, when the database cannot count', async (t) => {
  const lines: string[] = [];
  const unreachable = new URL(testDatabaseUrl());
  unreachable.pathname = '/no_such_database';
  const app = await buildTestApp(
    t,
    { DATABASE_URL: unreachable.href, LOG_LEVEL: 'warn', ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '1' },
    { logStream: { write: (line) => void lines.push(line) } },
  );
  const from = freshAddress();
  for (let i = 0; i < 2; i++) {
    t.equal((await call(app, { method: 'GET', url: '/api/openapi.json', from })).statusCode, 200);
  }
  t.ok(
    lines.some((line) => line.includes('rate limits could not be counted')),
    'the failure is logged',
  );
});
