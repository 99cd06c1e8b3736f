import { randomBytes } from 'node:crypto';
import t from 'tap';
import { v7 as uuidv7 } from 'uuid';
import { removeExpiredRows } from '../src/plugins/housekeeping.ts';
import { buildTestApp, createUser } from './helpers/app.ts';

t.test('removes ended sessions, stale idempotency keys and abandoned sign-ins, and keeps the rest', async (t) => {
  const app = await buildTestApp(t);
  const user = await createUser(app);
  const session = (expiresAt: Date, lastSeenAt: Date) => ({
    id: uuidv7(),
    tokenHash: randomBytes(32),
    userId: user.id,
    csrfToken: 'x',
    idToken: null,
    expiresAt,
    lastSeenAt,
  });
  const hour = 3_600_000;
  const live = session(new Date(Date.now() + hour), new Date());
  const expired = session(new Date(Date.now() - 1000), new Date());
  const idle = session(new Date(Date.now() + hour), new Date(Date.now() - hour));
  await app.db.insertInto('sessions').values([live, expired, idle]).execute();
  const key = (name: string, createdAt: Date) => ({
    userId: user.id,
    key: name,
    operation: 'createBackendService',
    requestHash: randomBytes(32),
    createdAt,
  });
  await app.db
    .insertInto('idempotencyKeys')
    .values([key('fresh', new Date()), key('stale', new Date(Date.now() - 25 * hour))])
    .execute();
  const abandoned = `state-${randomBytes(6).toString('hex')}`;
  await app.db
    .insertInto('loginRequests')
    .values({
      state: abandoned,
      nonce: 'n',
      codeVerifier: 'v',
      app: 'developer',
      returnTo: '/',
      createdAt: new Date(Date.now() - hour),
    })
    .execute();

  t.ok((await removeExpiredRows(app.db, 30)) >= 4);
  const sessions = await app.db.selectFrom('sessions').select('id').where('userId', '=', user.id).execute();
  t.same(
    sessions.map((s) => s.id),
    [live.id],
  );
  const keys = await app.db.selectFrom('idempotencyKeys').select('key').where('userId', '=', user.id).execute();
  t.same(
    keys.map((k) => k.key),
    ['fresh'],
  );
  t.notOk(await app.db.selectFrom('loginRequests').select('state').where('state', '=', abandoned).executeTakeFirst());
});

t.test('removes rate limit windows that have ended and keeps running ones', async (t) => {
  const app = await buildTestApp(t);
  const key = (state: string) => `housekeeping-test:${state}:${randomBytes(6).toString('hex')}`;
  const [ended, running] = [key('ended'), key('running')];
  await app.db
    .insertInto('rateLimitWindows')
    .values([
      { key: ended, hits: 5, resetsAt: new Date(Date.now() - 1000) },
      { key: running, hits: 5, resetsAt: new Date(Date.now() + 60_000) },
    ])
    .execute();
  t.ok((await removeExpiredRows(app.db, 30)) >= 1);
  const left = await app.db.selectFrom('rateLimitWindows').select('key').where('key', 'in', [ended, running]).execute();
  t.same(
    left.map((row) => row.key),
    [running],
  );
});
