import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp, createService, createUser, type TestUser } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';

const NOTIFICATIONS = '/api/v1/notifications';

async function createToken(user: TestUser, name: string): Promise<{ id: string; expiresAt: string }> {
  const response = await user.request('POST', '/api/v1/api-tokens', { name, expiresInDays: 30 });
  if (response.statusCode !== 201) throw new Error(`token not created: ${response.body}`);
  return response.json();
}

/** The service's creation event, which a notification about it names. */
async function creationEvent(app: FastifyInstance, serviceId: string): Promise<string> {
  const event = await app.db
    .selectFrom('serviceEvents')
    .select('id')
    .where('serviceId', '=', serviceId)
    .executeTakeFirstOrThrow();
  return event.id;
}

/** Everything the list answers, page by page, with `limit` items a page. */
async function allPages(user: TestUser, limit: number) {
  const pages: { items: { id: string }[]; nextCursor: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? `?limit=${limit}` : `?limit=${limit}&cursor=${cursor}`;
    const response = await user.request('GET', `${NOTIFICATIONS}${query}`);
    if (response.statusCode !== 200) throw new Error(`list failed: ${response.body}`);
    const page = response.json();
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return pages;
}

t.test(
  'the list pages service and token notifications together, newest first by when they happened, without gaps or repeats',
  async (t) => {
    const app = await buildTestApp(t);
    const dev = await createUser(app);
    const [first, second] = [await createService(dev), await createService(dev)];
    const [early, late] = [await createToken(dev, 'nightly-export'), await createToken(dev, 'ci-deploy')];
    const at = (seconds: number) => new Date(Date.UTC(2026, 11, 5, 9, 0, seconds, 123));
    const insert = async (values: object) =>
      (
        await app.db
          .insertInto('notifications')
          .values({ userId: dev.id, ...values } as never)
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const s1 = await insert({
      eventId: await creationEvent(app, first.id),
      serviceId: first.id,
      type: 'service.approved',
      occurredAt: at(1),
    });
    const t1 = await insert({ apiTokenId: early.id, type: 'api_token.expiring', occurredAt: at(2) });
    // The same instant twice: the id breaks the tie, so the page boundary between them loses neither.
    const s2 = await insert({
      eventId: await creationEvent(app, second.id),
      serviceId: second.id,
      type: 'service.rejected',
      occurredAt: at(3),
    });
    const t2 = await insert({ apiTokenId: late.id, type: 'api_token.expiring', occurredAt: at(3) });

    const pages = await allPages(dev, 1);
    t.same(
      pages.flatMap((page) => page.items.map((item) => item.id)),
      [t2, s2, t1, s1],
      'one at a time, in order',
    );
    const [page] = await allPages(dev, 10);
    t.match(page?.items, [
      {
        type: 'api_token.expiring',
        message: `Your API token “ci-deploy” expires on ${new Date(late.expiresAt).getUTCDate()} `,
        serviceId: null,
        serviceName: null,
        apiToken: { id: late.id, name: 'ci-deploy', expiresAt: late.expiresAt },
        reason: null,
      },
      { type: 'service.rejected', serviceId: second.id, serviceName: second.name, apiToken: null },
      { type: 'api_token.expiring', apiToken: { name: 'nightly-export' } },
      { type: 'service.approved', message: `${first.name} was approved and is going live in production` },
    ]);
  },
);

t.test('a cursor the list did not issue is refused, as before', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  // A cursor of the list's earlier form (an event id alone).
  const response = await dev.request('GET', `${NOTIFICATIONS}?cursor=${Buffer.from('4182').toString('base64url')}`);
  expectProblem(t, response, 400, 'invalid_cursor');
});
