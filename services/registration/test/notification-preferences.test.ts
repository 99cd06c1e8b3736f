import t from 'tap';
import { buildTestApp, createUser } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';

const PREFERENCES = '/api/v1/notification-preferences';

t.test('e-mail is on for every kind of notification until the user turns it off', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const initial = await dev.request('GET', PREFERENCES);
  t.equal(initial.statusCode, 200);
  t.same(initial.json(), {
    email: {
      'service.submitted': true,
      'service.approved': true,
      'service.rejected': true,
      'service.returned': true,
      'service.deactivated': true,
      'service.retired': true,
      'secret.rotated': true,
      'change_request.submitted': true,
      'change_request.approved': true,
      'change_request.rejected': true,
      'provisioning.failed': true,
      'service.jwks_failing': true,
      'webhook.failing': true,
      'api_token.expiring': true,
    },
  });
});

t.test('turning one kind off keeps the others, and turning it on again restores it', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const off = await dev.request('PUT', PREFERENCES, { email: { 'secret.rotated': false } });
  t.equal(off.statusCode, 200);
  t.match(off.json(), { email: { 'secret.rotated': false, 'service.approved': true } });
  t.match((await dev.request('GET', PREFERENCES)).json(), { email: { 'secret.rotated': false } });
  const other = await createUser(app);
  t.match((await other.request('GET', PREFERENCES)).json(), { email: { 'secret.rotated': true } }, 'per user');
  await dev.request('PUT', PREFERENCES, { email: { 'secret.rotated': true, 'service.rejected': false } });
  t.match((await dev.request('GET', PREFERENCES)).json(), {
    email: { 'secret.rotated': true, 'service.rejected': false },
  });
});

t.test('refuses a kind of notification the portal does not send', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const response = await dev.request('PUT', PREFERENCES, { email: { 'service.exploded': false } });
  expectProblem(t, response, 400, 'validation_failed');
});

t.test('marking a notification read answers 404 for one that is not the caller’s', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  expectProblem(t, await dev.request('POST', '/api/v1/notifications/999999999/read'), 404, 'not_found');
  const list = await dev.request('GET', '/api/v1/notifications');
  t.equal(list.statusCode, 200);
  t.same(list.json(), { items: [], nextCursor: null, unreadCount: 0 });
  t.equal((await dev.request('POST', '/api/v1/notifications/read-all')).statusCode, 204);
});
