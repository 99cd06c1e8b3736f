import t from 'tap';
import { buildTestApp, createService, createUser, type TestUser } from './helpers/app.ts';
import type { ServiceView } from './helpers/services.ts';

// The search asks each column (name, client id, owner e-mail) on its own and unites the answers (see listServices);
// these tests pin what that must not change: one row per service, newest first across columns, filters and paging
// applied to every column, and the owner's e-mail only in the admin list.

const ADMIN = '/api/v1/admin/backend-services';
const BASE = '/api/v1/backend-services';

interface Page {
  items: ServiceView[];
  nextCursor: string | null;
}

async function ids(user: TestUser, url: string): Promise<string[]> {
  const response = await user.request('GET', url);
  if (response.statusCode !== 200) throw new Error(`list failed: ${response.statusCode} ${response.body}`);
  return (response.json() as Page).items.map((s) => s.id);
}

/** Every page of `url` with `limit=1`: proves the keyset across the columns' answers. */
async function walk(user: TestUser, url: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 20; round++) {
    const response = await user.request('GET', `${url}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    const page = response.json() as Page;
    seen.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
    if (cursor === null) return seen;
  }
  throw new Error('the search never ended');
}

/** The random part of the test user's e-mail: a text that only this user's e-mail and our names contain. */
const mailTag = (user: TestUser) => user.email.split('@')[0]?.split('-')[1] ?? '';

t.test('unites name and owner e-mail matches: each service once, newest first, on every page', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const other = await createUser(app);
  const tag = mailTag(dev);
  const byEmail = await createService(dev, { name: 'Unrelated one' });
  const byName = await createService(other, { name: `Mirror of ${tag}` });
  const byBoth = await createService(dev, { name: `${tag} itself` });
  await createService(other, { name: 'Unrelated two' });

  const expected = [byBoth.id, byName.id, byEmail.id];
  t.same(await ids(admin, `${ADMIN}?q=${tag}`), expected, 'one page');
  t.same(await walk(admin, `${ADMIN}?q=${tag}`), expected, 'a page per service');
});

t.test('applies the status to every column it searches', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const tag = mailTag(dev);
  const submitted = await createService(dev, { name: 'Submitted' });
  await createService(dev, { name: `${tag} draft` });
  t.equal((await dev.request('POST', `${BASE}/${submitted.id}/submit`)).statusCode, 200);
  t.same(await ids(admin, `${ADMIN}?q=${tag}&status=under_review`), [submitted.id], 'matched by e-mail');
  t.same(await ids(admin, `${ADMIN}?q=${tag}&status=active`), []);
});

t.test("an owner's search matches names and client ids, not the owner's own e-mail", async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const tag = mailTag(dev);
  await createService(dev, { name: 'Plain' });
  const named = await createService(dev, { name: `${tag} named` });
  t.same(await ids(dev, `${BASE}?q=${tag}`), [named.id]);
});

t.test('finds a service by its whole client id or a part of it, and by nothing that only shares a part', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await createService(dev);
  const { clientId } = service;
  t.same(await ids(admin, `${ADMIN}?q=${clientId}`), [service.id], 'the whole client id');
  t.same(await ids(admin, `${ADMIN}?q=${clientId.toUpperCase()}`), [service.id], 'in capitals');
  t.same(await ids(admin, `${ADMIN}?q=${clientId.slice(0, 14)}`), [service.id], 'its start, prefix included');
  t.same(await ids(admin, `${ADMIN}?q=${clientId.slice(10, 30)}`), [service.id], 'a long part from the middle');
  // The first characters of the hex part are what the index is asked for; the rest must match too.
  t.same(await ids(admin, `${ADMIN}?q=${clientId.slice(3, 14)}ZZ`), [], 'the same start and a different end');
  t.same(await ids(admin, `${ADMIN}?q=${clientId.slice(3, 14)}-${clientId.slice(14, 20)}`), [], 'a dash inside');
});
