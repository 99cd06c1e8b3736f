import type { Resolver } from '@payerbox/safe-fetch';
import t, { type Test } from 'tap';
import { buildTestApp as buildAppWith, createUser, DEVELOPMENT } from './helpers/app.ts';
import { testResolver } from './helpers/jwks-server.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';

const WEBHOOKS = '/api/v1/webhooks';

/**
 * The partner's receiver has a public address (registration only resolves it: nothing connects); other names resolve as
 * in the other suites (`*.test` to loopback).
 */
const partnerResolver: Resolver = async (hostname) =>
  hostname === 'hooks.partner.test' ? [{ address: '93.184.216.34', family: 4 }] : testResolver(hostname);

function buildTestApp(t: Test, env: Record<string, string> = {}) {
  return buildAppWith(t, env, { resolveHost: partnerResolver });
}

t.test('registering an endpoint answers its Standard Webhooks secret once; reads never show it', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const created = await dev.request('POST', WEBHOOKS, {
    url: 'https://hooks.partner.test/portal',
    events: ['service.approved', 'change_request.approved'],
  });
  t.equal(created.statusCode, 201);
  t.equal(created.headers['cache-control'], 'no-store');
  const body = created.json();
  t.match(body, {
    url: 'https://hooks.partner.test/portal',
    events: ['service.approved', 'change_request.approved'],
    status: 'active',
    failingSince: null,
  });
  t.match(body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'whsec_ and 32 bytes of base64');
  const read = (await dev.request('GET', `${WEBHOOKS}/${body.id}`)).json();
  t.notOk('secret' in read, 'the secret is not read back');
  const list = (await dev.request('GET', WEBHOOKS)).json();
  t.same(
    list.items.map((item: { id: string }) => item.id),
    [body.id],
  );
  t.notOk('secret' in list.items[0]);
});

t.test('an endpoint’s events and URL can be changed, and a deleted endpoint is gone', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const { id } = (
    await dev.request('POST', WEBHOOKS, { url: 'https://hooks.partner.test/a', events: ['service.approved'] })
  ).json();
  const changed = await dev.request('PATCH', `${WEBHOOKS}/${id}`, {
    url: 'https://hooks.partner.test/b',
    events: ['service.rejected'],
  });
  t.equal(changed.statusCode, 200);
  t.match(changed.json(), { url: 'https://hooks.partner.test/b', events: ['service.rejected'] });
  t.equal((await dev.request('DELETE', `${WEBHOOKS}/${id}`)).statusCode, 204);
  expectProblem(t, await dev.request('GET', `${WEBHOOKS}/${id}`), 404, 'not_found');
});

t.test('another developer’s endpoints are invisible: not listed, and 404 for every operation', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const other = await createUser(app);
  const { id } = (
    await owner.request('POST', WEBHOOKS, { url: 'https://hooks.partner.test/a', events: ['service.approved'] })
  ).json();
  t.same((await other.request('GET', WEBHOOKS)).json().items, []);
  for (const [method, path, body] of [
    ['GET', `${WEBHOOKS}/${id}`],
    ['PATCH', `${WEBHOOKS}/${id}`, { events: ['service.rejected'] }],
    ['DELETE', `${WEBHOOKS}/${id}`],
    ['POST', `${WEBHOOKS}/${id}/test`],
    ['GET', `${WEBHOOKS}/${id}/deliveries`],
    ['POST', `${WEBHOOKS}/${id}/deliveries/1/redeliver`],
  ] as const) {
    expectProblem(t, await other.request(method, path, body), 404, 'not_found');
  }
  t.equal((await owner.request('GET', `${WEBHOOKS}/${id}`)).statusCode, 200, 'the owner still has it');
});

t.test('refuses URLs the portal must not call: private, metadata and loopback addresses, and plain http', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  for (const url of [
    'https://10.0.0.7/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[fd00::1]/hook',
    'https://localhost.test/hook',
    'http://hooks.partner.test/hook',
    'https://user:pw@hooks.partner.test/hook',
    'not a url',
  ]) {
    const problem = expectProblem(
      t,
      await dev.request('POST', WEBHOOKS, { url, events: ['service.approved'] }),
      400,
      'validation_failed',
    );
    t.same(errorPaths(problem), ['/body/url'], url);
    t.match(problem.detail, /^The webhook URL /, 'a sentence about the URL');
  }
});

t.test('development mode lets an endpoint on loopback be registered, as it lets key sets', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const created = await dev.request('POST', WEBHOOKS, { url: 'http://127.0.0.1:9/hook', events: ['service.approved'] });
  t.equal(created.statusCode, 201);
  const privateOne = await dev.request('POST', WEBHOOKS, {
    url: 'https://10.0.0.7/hook',
    events: ['service.approved'],
  });
  expectProblem(t, privateOne, 400, 'validation_failed');
});

t.test('refuses events the portal does not send, and an endpoint with none', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  for (const events of [['service.exploded'], [], ['service.approved', 'service.approved']]) {
    expectProblem(
      t,
      await dev.request('POST', WEBHOOKS, { url: 'https://hooks.partner.test/a', events }),
      400,
      'validation_failed',
    );
  }
});

t.test('a test delivery is queued and shows in the delivery log with its webhook-id', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const { id } = (
    await dev.request('POST', WEBHOOKS, { url: 'https://hooks.partner.test/a', events: ['service.approved'] })
  ).json();
  const queued = await dev.request('POST', `${WEBHOOKS}/${id}/test`);
  t.equal(queued.statusCode, 202);
  const log = (await dev.request('GET', `${WEBHOOKS}/${id}/deliveries`)).json();
  t.match(log, {
    items: [{ id: queued.json().deliveryId, type: 'webhook.test', status: 'pending', attempts: [] }],
    nextCursor: null,
  });
  t.match(log.items[0].webhookId, /^test_/);
  const redelivered = await dev.request('POST', `${WEBHOOKS}/${id}/deliveries/${queued.json().deliveryId}/redeliver`);
  t.equal(redelivered.statusCode, 202);
  expectProblem(t, await dev.request('POST', `${WEBHOOKS}/${id}/deliveries/999999999/redeliver`), 404, 'not_found');
});
