import { createDb } from '@payerbox/db';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { createTokenCache, type TokenGrant } from '../src/modules/api-tokens/token-cache.ts';
import { PRINCIPAL_CHANGES_CHANNEL } from '../src/modules/api-tokens/token-invalidation.ts';
import { buildTestApp, createUser, type TestUser, testDatabaseUrl } from './helpers/app.ts';

const LIMIT_MS = 10_000;

function grant(userId: string, expiresInMs = 60_000): TokenGrant {
  return {
    user: { id: userId, email: `${userId}@test.example`, name: userId, role: 'developer' },
    tokenId: `token-of-${userId}`,
    expiresAt: new Date(Date.now() + expiresInMs),
    lastUsedAt: null,
  };
}

t.test('the cache', async (t) => {
  t.test('keeps a grant only while trusted, and forgets everything when trust is lost', async (t) => {
    const cache = createTokenCache({ ttlMs: 60_000, maxEntries: 10 });
    cache.set('a', grant('u1'), cache.epoch());
    t.equal(cache.get('a'), undefined, 'nothing is cached before the invalidations can be heard');
    cache.setTrusted(true);
    cache.set('a', grant('u1'), cache.epoch());
    t.equal(cache.get('a')?.user.id, 'u1');
    cache.setTrusted(false);
    t.equal(cache.size, 0);
    t.equal(cache.get('a'), undefined);
  });

  t.test('drops the entries of an invalidated user, and refuses a read that raced the invalidation', async (t) => {
    const cache = createTokenCache({ ttlMs: 60_000, maxEntries: 10 });
    cache.setTrusted(true);
    cache.set('a', grant('u1'), cache.epoch());
    cache.set('b', grant('u1'), cache.epoch());
    cache.set('c', grant('u2'), cache.epoch());
    const readAt = cache.epoch();
    cache.invalidateUser('u1');
    t.equal(cache.get('a'), undefined);
    t.equal(cache.get('b'), undefined);
    t.equal(cache.get('c')?.user.id, 'u2', "another user's entry stays");
    cache.set('a', grant('u1'), readAt);
    t.equal(cache.get('a'), undefined, 'a grant read before the invalidation is not stored');
  });

  t.test('expires entries after the TTL and with their token', async (t) => {
    let now = 1_000_000;
    const cache = createTokenCache({ ttlMs: 1_000, maxEntries: 10, now: () => now });
    cache.setTrusted(true);
    cache.set('a', { ...grant('u1'), expiresAt: new Date(now + 60_000) }, cache.epoch());
    cache.set('b', { ...grant('u2'), expiresAt: new Date(now + 500) }, cache.epoch());
    now += 600;
    t.equal(cache.get('b'), undefined, 'the token expired');
    t.ok(cache.get('a'));
    now += 400;
    t.equal(cache.get('a'), undefined, 'the TTL ran out');
    t.equal(cache.size, 0);
  });

  t.test('evicts the least recently used entry beyond its size', async (t) => {
    const cache = createTokenCache({ ttlMs: 60_000, maxEntries: 2 });
    cache.setTrusted(true);
    cache.set('a', grant('u1'), cache.epoch());
    cache.set('b', grant('u2'), cache.epoch());
    cache.get('a');
    cache.set('c', grant('u3'), cache.epoch());
    t.equal(cache.size, 2);
    t.ok(cache.get('a'), 'recently used');
    t.equal(cache.get('b'), undefined, 'least recently used');
    t.ok(cache.get('c'));
  });
});

async function me(user: TestUser) {
  return user.request('GET', '/api/v1/me');
}

/** Polls until `probe` holds; the notification travels through PostgreSQL, so it takes a moment. */
async function eventually(t: Test, probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + LIMIT_MS;
  while (Date.now() < deadline) {
    if (await probe()) {
      t.pass(what);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.fail(`${what}: not within ${LIMIT_MS} ms`);
}

/** Another replica's (or an operator's) connection to the same database. */
function otherConnection(t: Test) {
  const db = createDb({ databaseUrl: testDatabaseUrl(), poolSize: 1 });
  t.teardown(() => db.destroy());
  return db;
}

async function cachedUser(t: Test, app: FastifyInstance, role: 'developer' | 'admin' = 'developer') {
  await eventually(t, async () => app.tokenCache?.size !== undefined && (await listening(app)), 'the app listens');
  const user = await createUser(app, role);
  t.equal((await me(user)).statusCode, 200);
  t.equal(app.tokenCache?.size, 1, 'the token is cached');
  return user;
}

async function listening(app: FastifyInstance): Promise<boolean> {
  const { rows } = await sql<{ listeners: string }>`
    select count(*) as listeners from pg_stat_activity
    where query = ${`listen ${PRINCIPAL_CHANGES_CHANNEL}`} and datname = current_database()`.execute(app.db);
  return Number(rows[0]?.listeners) > 0;
}

t.test('a token revoked elsewhere stops working on this replica', async (t) => {
  const app = await buildTestApp(t);
  const dev = await cachedUser(t, app);
  await otherConnection(t)
    .updateTable('apiTokens')
    .set({ revokedAt: new Date() })
    .where('userId', '=', dev.id)
    .execute();
  await eventually(t, async () => (await me(dev)).statusCode === 401, 'the token is refused');
});

t.test('a token revoked through this replica is refused by its very next request', async (t) => {
  const app = await buildTestApp(t);
  const dev = await cachedUser(t, app);
  const [token] = (await dev.request('GET', '/api/v1/api-tokens')).json().items as { id: string }[];
  t.equal((await dev.request('DELETE', `/api/v1/api-tokens/${token?.id}`)).statusCode, 204);
  t.equal((await me(dev)).statusCode, 401);
});

t.test('a role taken away elsewhere takes effect', async (t) => {
  const app = await buildTestApp(t);
  const admin = await cachedUser(t, app, 'admin');
  t.equal((await admin.request('GET', '/api/v1/admin/backend-services')).statusCode, 200);
  await otherConnection(t).updateTable('users').set({ role: 'developer' }).where('id', '=', admin.id).execute();
  await eventually(
    t,
    async () => (await admin.request('GET', '/api/v1/admin/backend-services')).statusCode === 403,
    'the admin route refuses the former admin',
  );
});

t.test('while the listener is lost, nothing is served from the cache', async (t) => {
  const app = await buildTestApp(t);
  const dev = await cachedUser(t, app);
  const other = otherConnection(t);
  await sql`
    select pg_terminate_backend(pid) from pg_stat_activity
    where query = ${`listen ${PRINCIPAL_CHANGES_CHANNEL}`} and datname = current_database()`.execute(other);
  await eventually(t, async () => app.tokenCache?.size === 0, 'the cache is emptied');
  // Revoked while nobody listens: the notification is lost, yet the token must not work.
  await other.updateTable('apiTokens').set({ revokedAt: new Date() }).where('userId', '=', dev.id).execute();
  t.equal((await me(dev)).statusCode, 401);
  await eventually(t, () => listening(app), 'the listener comes back');
  const later = await createUser(app);
  await me(later);
  await eventually(
    t,
    async () => (await me(later)).statusCode === 200 && app.tokenCache?.size === 1,
    'caching resumes',
  );
});

t.test('API_TOKEN_CACHE_SECONDS=0 reads the token on every request', async (t) => {
  const app = await buildTestApp(t, { API_TOKEN_CACHE_SECONDS: '0' });
  t.equal(app.tokenCache, undefined);
  const dev = await createUser(app);
  t.equal((await me(dev)).statusCode, 200);
  await otherConnection(t)
    .updateTable('apiTokens')
    .set({ revokedAt: new Date() })
    .where('userId', '=', dev.id)
    .execute();
  t.equal((await me(dev)).statusCode, 401);
});
