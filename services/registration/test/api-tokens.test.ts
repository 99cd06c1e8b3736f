import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { buildTestApp, createUser } from './helpers/app.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';

const TOKENS = '/api/v1/api-tokens';
const DAY_MS = 24 * 60 * 60 * 1000;

interface TokenView {
  id: string;
  name: string;
  tokenPrefix: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  token?: string;
}

/** A token that no longer works: 401 invalid_token with the RFC 6750 challenge. */
async function expectTokenRefused(t: Test, app: FastifyInstance, token: string): Promise<void> {
  const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  expectProblem(t, me, 401, 'invalid_token');
  t.equal(me.headers['www-authenticate'], 'Bearer error="invalid_token"');
}

t.test('creates a token and shows it only in the creation response', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request('POST', TOKENS, { name: '  CI pipeline  ', expiresInDays: 30 });
  t.equal(response.statusCode, 201);
  t.equal(response.headers['cache-control'], 'no-store');
  const created = response.json() as TokenView & { token: string };
  t.match(created.token, /^pbx_pat_[A-Za-z0-9_-]{43}$/);
  t.equal(created.tokenPrefix, created.token.slice(0, 14));
  t.match(created, { name: 'CI pipeline', lastUsedAt: null, revokedAt: null });
  const lifetime = Date.parse(created.expiresAt) - Date.parse(created.createdAt);
  t.ok(Math.abs(lifetime - 30 * DAY_MS) < 60_000, 'expires 30 days after creation');

  const list = await dev.request('GET', TOKENS);
  t.equal(list.statusCode, 200);
  t.notMatch(list.body, created.token, 'the list never contains the token');
  const listed = (list.json() as { items: TokenView[] }).items.find((item) => item.id === created.id);
  t.ok(listed, 'the list shows the new token');
  t.notOk(listed && 'token' in listed, 'without the token itself');
  t.equal(listed?.tokenPrefix, created.tokenPrefix);
});

t.test('a new token authenticates its user', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const created = (await dev.request('POST', TOKENS, { name: 'script' })).json() as TokenView & { token: string };
  const me = await app.inject({
    method: 'GET',
    url: '/api/v1/me',
    headers: { authorization: `Bearer ${created.token}` },
  });
  t.equal(me.statusCode, 200);
  t.same(me.json(), { id: dev.id, email: dev.email, name: 'Test developer', role: 'developer' });
  const lifetime = Date.parse(created.expiresAt) - Date.parse(created.createdAt);
  t.ok(Math.abs(lifetime - 90 * DAY_MS) < 60_000, 'expires after 90 days unless asked otherwise');

  const listed = (await dev.request('GET', TOKENS)).json().items.find((i: TokenView) => i.id === created.id);
  t.ok(listed?.lastUsedAt, 'records that it was used');
});

t.test('revokes a token: 204, then the token answers 401 invalid_token', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const created = (await dev.request('POST', TOKENS, { name: 'short-lived' })).json() as TokenView & { token: string };
  const revoked = await dev.request('DELETE', `${TOKENS}/${created.id}`);
  t.equal(revoked.statusCode, 204);
  t.equal(revoked.body, '');

  await expectTokenRefused(t, app, created.token);

  const listed = (await dev.request('GET', TOKENS)).json().items.find((i: TokenView) => i.id === created.id);
  t.ok(listed?.revokedAt, 'the list shows when it was revoked');
  t.equal((await dev.request('DELETE', `${TOKENS}/${created.id}`)).statusCode, 204, 'revoking again is harmless');
  t.equal((await dev.request('GET', '/api/v1/me')).statusCode, 200, "the user's other tokens still work");
});

t.test("answers 404 when revoking another user's token, which keeps working", async (t) => {
  const app = await buildTestApp(t);
  const alice = await createUser(app);
  const mallory = await createUser(app);
  const created = (await alice.request('POST', TOKENS, { name: 'alice' })).json() as TokenView & { token: string };
  expectProblem(t, await mallory.request('DELETE', `${TOKENS}/${created.id}`), 404, 'not_found');
  const me = await app.inject({
    method: 'GET',
    url: '/api/v1/me',
    headers: { authorization: `Bearer ${created.token}` },
  });
  t.equal(me.statusCode, 200);
  t.notOk(
    (await mallory.request('GET', TOKENS)).json().items.some((i: TokenView) => i.id === created.id),
    "Mallory's list does not show Alice's token",
  );
});

t.test('answers 404 for an unknown token id and 400 for one that is not a uuid', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  expectProblem(t, await dev.request('DELETE', `${TOKENS}/00000000-0000-7000-8000-000000000000`), 404, 'not_found');
  const problem = expectProblem(t, await dev.request('DELETE', `${TOKENS}/123`), 400, 'validation_failed');
  t.same(errorPaths(problem), ['/params/id']);
});

t.test('states the configured lifetime limit with the list of tokens, so a form can show it', async (t) => {
  const app = await buildTestApp(t, { API_TOKEN_MAX_DAYS: '30' });
  const dev = await createUser(app);
  const list = await dev.request('GET', TOKENS);
  t.equal(list.statusCode, 200);
  t.same(list.json().lifetimeDays, { default: 30, maximum: 30 }, 'the default never exceeds the maximum');
  const defaults = await buildTestApp(t);
  const other = await createUser(defaults);
  t.same((await other.request('GET', TOKENS)).json().lifetimeDays, { default: 90, maximum: 365 }, 'out of the box');
});

t.test('refuses expiresInDays above the configured maximum', async (t) => {
  const app = await buildTestApp(t, { API_TOKEN_MAX_DAYS: '30' });
  const dev = await createUser(app);
  const tooLong = await dev.request('POST', TOKENS, { name: 'long', expiresInDays: 31 });
  const problem = expectProblem(t, tooLong, 400, 'validation_failed');
  t.same(errorPaths(problem), ['/body/expiresInDays']);
  t.match(problem.errors?.[0]?.message, /30/);
  t.equal((await dev.request('POST', TOKENS, { name: 'ok', expiresInDays: 30 })).statusCode, 201);
  const byDefault = await dev.request('POST', TOKENS, { name: 'default' });
  t.equal(byDefault.statusCode, 201, 'without expiresInDays the lifetime fits the maximum');
  const lifetimeDays = (Date.parse(byDefault.json().expiresAt) - Date.now()) / 86_400_000;
  t.ok(lifetimeDays > 29.9 && lifetimeDays <= 30, 'defaults to the maximum when it is under 90 days');
  for (const expiresInDays of [0, -1, 3651, 1.5, 'forever']) {
    const response = await dev.request('POST', TOKENS, { name: 'odd', expiresInDays });
    t.same(
      errorPaths(expectProblem(t, response, 400, 'validation_failed')),
      ['/body/expiresInDays'],
      `${expiresInDays}`,
    );
  }
});

t.test('refuses a blank or missing name and unknown properties', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  for (const [body, path] of [
    [{ name: '   ' }, '/body/name'],
    [{}, '/body/name'],
    [{ name: 'x'.repeat(101) }, '/body/name'],
    [{ name: 'ok', scopes: ['admin'] }, '/body/scopes'],
  ] as const) {
    const problem = expectProblem(t, await dev.request('POST', TOKENS, body), 400, 'validation_failed');
    t.same(errorPaths(problem), [path], JSON.stringify(body));
  }
});

t.test('an expired token answers 401 invalid_token', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const created = (await dev.request('POST', TOKENS, { name: 'old' })).json() as TokenView & { token: string };
  await app.db
    .updateTable('apiTokens')
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where('id', '=', created.id)
    .execute();
  await expectTokenRefused(t, app, created.token);
});

t.test('answers 401 with WWW-Authenticate: Bearer when Authorization is missing', async (t) => {
  const app = await buildTestApp(t);
  for (const [method, url] of [
    ['GET', '/api/v1/me'],
    ['GET', '/api/v1/backend-services'],
    ['POST', '/api/v1/backend-services'],
    ['GET', TOKENS],
    ['POST', TOKENS],
  ] as const) {
    const response = await app.inject({ method, url });
    expectProblem(t, response, 401, 'unauthenticated');
    t.equal(response.headers['www-authenticate'], 'Bearer', `${method} ${url}`);
  }
});

t.test('answers 401 invalid_token for a malformed or unknown Authorization header', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const unknown = `pbx_pat_${'A'.repeat(43)}`;
  for (const authorization of [
    'Basic ZGV2OnBhc3N3b3Jk',
    'Bearer',
    'Bearer ',
    `Bearer ${dev.token} extra`,
    dev.token,
    `Token ${dev.token}`,
    'Bearer not-a-token',
    `Bearer ${dev.token.slice(0, -1)}`,
    `Bearer ${unknown}`,
  ]) {
    const response = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });
    expectProblem(t, response, 401, 'invalid_token');
    t.match(response.headers['www-authenticate'], /^Bearer/, authorization);
  }
  const lowerCase = await app.inject({
    method: 'GET',
    url: '/api/v1/me',
    headers: { authorization: `bearer ${dev.token}` },
  });
  t.equal(lowerCase.statusCode, 200, 'the scheme is case-insensitive (RFC 9110 §11.1)');
});

t.test("lists the caller's tokens newest first, page by page", async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const other = await createUser(app);
  await other.request('POST', TOKENS, { name: 'not yours' });
  const names = ['one', 'two', 'three', 'four'];
  for (const name of names) await dev.request('POST', TOKENS, { name });
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 10; round++) {
    const response = await dev.request('GET', `${TOKENS}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    t.equal(response.statusCode, 200);
    const page = response.json() as { items: TokenView[]; nextCursor: string | null };
    t.ok(page.items.length <= 2);
    seen.push(...page.items.map((item) => item.name));
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  // The helper's own token ("test") is the oldest.
  t.same(seen, [...[...names].reverse(), 'test']);
});
