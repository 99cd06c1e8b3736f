// Credentials per environment (issue 21) through the API: the production secret issued at approval and shown once,
// rotation per environment (the sandbox at once, production through a cutover or in an emergency), and production's
// own key set URL. What lands in Aidbox is tested end to end in packages/dev-stack/test/environment-credentials.test.ts.
import t from 'tap';
import { buildTestApp, createService, createUser, DEVELOPMENT, type TestUser } from './helpers/app.ts';
import { startJwksServer } from './helpers/jwks-server.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { fetchService, serviceEvents, serviceInStatus } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';
const SECRET = /^pbx_cs_[A-Za-z0-9_-]{43}$/;
const PRODUCTION = { environment: 'production' } as const;

const retrieve = (user: TestUser, id: string) => user.request('POST', `${BASE}/${id}/production-secret`);
const rotate = (user: TestUser, id: string, body: unknown) => user.request('POST', `${BASE}/${id}/rotate-secret`, body);
const confirm = (user: TestUser, id: string) => user.request('POST', `${BASE}/${id}/rotate-secret/confirm`);

t.test('approval issues a production secret of its own, shown once, then 410', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const created = await createService(dev);
  const sandboxSecret = created.clientSecret as string;
  t.equal(created.productionSecret, null, 'a draft has no production secret');
  const active = await serviceInStatus(dev, admin, 'active');
  t.match(active.productionSecret, { retrievable: true, cutover: null });

  const first = await retrieve(dev, active.id);
  t.equal(first.statusCode, 200);
  t.equal(first.headers['cache-control'], 'no-store');
  t.match(first.json(), { clientSecret: SECRET, environment: 'production' });
  t.not(first.json().clientSecret, sandboxSecret, 'not the sandbox secret');
  const again = await retrieve(dev, active.id);
  expectProblem(t, again, 410, 'production_secret_already_retrieved');
  t.notMatch(again.body, first.json().clientSecret.slice(7), 'the refusal does not show it');
  t.match((await fetchService(dev, active.id)).productionSecret, { retrievable: false });

  const events = await serviceEvents(dev, active.id);
  t.match(events[0], {
    action: 'retrieve_production_secret',
    fromStatus: null,
    toStatus: null,
    serviceStatus: 'active',
  });
  t.match(events.find((event) => event.action === 'approve')?.detail, { productionSecret: 'issued' });
  t.notMatch(JSON.stringify(events), first.json().clientSecret, 'no event holds the secret');
});

t.test('a production secret is refused before approval, for a JWKS service, and to another owner', async (t) => {
  const app = await buildTestApp(t, DEVELOPMENT);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  for (const status of ['draft', 'under_review', 'rejected'] as const) {
    const service = await serviceInStatus(dev, admin, status);
    t.equal(expectProblem(t, await retrieve(dev, service.id), 409, 'illegal_transition').currentStatus, status);
    expectProblem(t, await rotate(dev, service.id, PRODUCTION), 409, 'illegal_transition');
  }
  const jwks = await startJwksServer(t);
  const keySet = await serviceInStatus(dev, admin, 'active', { authMethod: 'jwks_uri', jwksUri: jwks.url() });
  t.equal(keySet.productionSecret, null);
  expectProblem(t, await retrieve(dev, keySet.id), 409, 'not_a_secret_client');
  const active = await serviceInStatus(dev, admin, 'active');
  expectProblem(t, await retrieve(await createUser(app), active.id), 404, 'not_found');
  t.equal((await retrieve(dev, active.id)).statusCode, 200, "a stranger's attempt did not use it up");
});

t.test('a rotation names its environment: none is refused, the sandbox leaves production as it is', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const active = await serviceInStatus(dev, admin, 'active');
  const missing = expectProblem(t, await rotate(dev, active.id, {}), 400, 'validation_failed');
  t.same(errorPaths(missing), ['/body/environment']);
  expectProblem(t, await rotate(dev, active.id, { environment: 'staging' }), 400, 'validation_failed');

  const sandbox = await rotate(dev, active.id, { environment: 'sandbox' });
  t.equal(sandbox.statusCode, 200);
  t.match(sandbox.json(), { clientSecret: SECRET, environment: 'sandbox' });
  const after = await fetchService(dev, active.id);
  t.same(after.productionSecret, active.productionSecret, 'the production secret is untouched');
  t.match((await serviceEvents(dev, active.id))[0], { action: 'rotate_secret', detail: { environment: 'sandbox' } });
});

t.test(
  'a production cutover is pending until confirmed, then applying; its steps are audited and refused out of turn',
  async (t) => {
    const app = await buildTestApp(t, { SECRET_CUTOVER_DEADLINE_SECONDS: '3600' });
    const dev = await createUser(app);
    const admin = await createUser(app, 'admin');
    const active = await serviceInStatus(dev, admin, 'active');
    const none = expectProblem(t, await confirm(dev, active.id), 409, 'no_secret_cutover_pending');
    t.equal(none.cutoverState, 'none');

    const started = await rotate(dev, active.id, PRODUCTION);
    t.equal(started.statusCode, 200);
    t.match(started.json(), { clientSecret: SECRET, environment: 'production' });
    const pending = await fetchService(dev, active.id);
    t.equal(pending.productionSecret.issuedAt, active.productionSecret.issuedAt, 'production keeps the old secret');
    t.match(pending.productionSecret.cutover, {
      state: 'pending',
      switchedAt: null,
      switchedBy: null,
      appliedAt: null,
    });
    const { startedAt, deadline } = pending.productionSecret.cutover;
    t.equal(Date.parse(deadline) - Date.parse(startedAt), 3_600_000, 'the deadline is the configured time away');
    t.match((await serviceEvents(dev, active.id))[0], {
      action: 'start_secret_cutover',
      detail: { environment: 'production', deadline },
    });

    const replaced = await rotate(dev, active.id, PRODUCTION);
    t.equal(replaced.statusCode, 200, 'a pending cutover can be started again (the old secret still works)');
    t.not(replaced.json().clientSecret, started.json().clientSecret);
    t.match((await serviceEvents(dev, active.id))[0], { detail: { replacedPending: true } });

    const switched = await confirm(dev, active.id);
    t.equal(switched.statusCode, 200);
    t.match(switched.json().productionSecret, {
      retrievable: false,
      cutover: { state: 'applying', switchedBy: 'owner', appliedAt: null },
    });
    t.not(
      switched.json().productionSecret.issuedAt,
      active.productionSecret.issuedAt,
      'the new secret is production’s',
    );
    t.match((await serviceEvents(dev, active.id))[0], {
      action: 'confirm_secret_cutover',
      detail: { switchedBy: 'owner' },
    });
    t.equal(expectProblem(t, await confirm(dev, active.id), 409, 'no_secret_cutover_pending').cutoverState, 'applying');
    const busy = expectProblem(t, await rotate(dev, active.id, PRODUCTION), 409, 'secret_cutover_applying');
    t.equal(busy.cutoverState, 'applying');
  },
);

t.test('an emergency rotation replaces the production secret at once and ends a pending cutover', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const active = await serviceInStatus(dev, admin, 'active');
  t.equal((await rotate(dev, active.id, PRODUCTION)).statusCode, 200);
  const emergency = await rotate(dev, active.id, { ...PRODUCTION, immediate: true });
  t.equal(emergency.statusCode, 200);
  t.match(emergency.json(), { clientSecret: SECRET, environment: 'production' });
  const after = await fetchService(dev, active.id);
  t.match(after.productionSecret, {
    retrievable: false,
    cutover: { state: 'applying', deadline: null, switchedBy: 'emergency', appliedAt: null },
  });
  expectProblem(t, await confirm(dev, active.id), 409, 'no_secret_cutover_pending');
  t.match((await serviceEvents(dev, active.id))[0], {
    action: 'rotate_production_secret',
    detail: { environment: 'production', immediate: true },
  });
});

t.test(
  "production's own key set URL: checked like jwksUri, kept on a draft's edit and copy, refused with a secret",
  async (t) => {
    const app = await buildTestApp(t, DEVELOPMENT);
    const dev = await createUser(app);
    const admin = await createUser(app, 'admin');
    const jwks = await startJwksServer(t);
    const refused = await dev.request('POST', BASE, {
      name: 'Secret with keys',
      authMethod: 'client_secret',
      productionJwksUri: jwks.url(),
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
    });
    t.same(errorPaths(expectProblem(t, refused, 400, 'validation_failed')), ['/body/productionJwksUri']);
    const broken = await dev.request('POST', BASE, {
      name: 'Broken production keys',
      authMethod: 'jwks_uri',
      jwksUri: jwks.url(),
      productionJwksUri: jwks.url('/missing.json'),
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
    });
    t.same(errorPaths(expectProblem(t, broken, 400, 'jwks_invalid')), ['/body/productionJwksUri'], 'names the field');

    const draft = await createService(dev, { authMethod: 'jwks_uri', jwksUri: jwks.url() });
    t.equal(draft.productionJwksUri, null, 'production uses jwksUri unless told otherwise');
    const edited = await dev.request(
      'PATCH',
      `${BASE}/${draft.id}`,
      { productionJwksUri: jwks.url() },
      { 'if-match': `"${draft.version}"` },
    );
    t.equal(edited.statusCode, 200, edited.body);
    t.equal(edited.json().productionJwksUri, jwks.url());
    t.match((await serviceEvents(dev, draft.id))[0]?.detail, {
      changed: ['productionJwksUri'],
      changes: { productionJwksUri: { from: null, to: jwks.url() } },
    });
    const active = await serviceInStatus(dev, admin, 'active', {
      authMethod: 'jwks_uri',
      jwksUri: jwks.url(),
      productionJwksUri: jwks.url(),
    });
    const reviewed = await admin.request('GET', `/api/v1/admin/backend-services/${active.id}`);
    t.equal(reviewed.json().productionJwksUri, jwks.url(), 'reviewers see it');
    await admin.request('POST', `/api/v1/admin/backend-services/${active.id}/deactivate`, { reason: 'Ended' });
    const copy = await dev.request('POST', `${BASE}/${active.id}/copy`);
    t.equal(copy.json().productionJwksUri, jwks.url(), 'a copy keeps it');
  },
);

t.test('two retrievals at once: exactly one gets the production secret, the other 410', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const active = await serviceInStatus(dev, admin, 'active');
  const answers = await Promise.all([retrieve(dev, active.id), retrieve(dev, active.id)]);
  t.same(answers.map((answer) => answer.statusCode).sort(), [200, 410]);
  const events = await serviceEvents(dev, active.id);
  t.equal(events.filter((event) => event.action === 'retrieve_production_secret').length, 1, 'one retrieval audited');
});
