// The ways forward from review and from Rejected (issue 21): return for changes, retire, copy, and removing a
// rejected service from the dashboard. What the provisioner then does in Aidbox is tested end to end in
// packages/dev-stack/test/ways-forward.test.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import t from 'tap';
import { buildTestApp, createUser, type TestUser } from './helpers/app.ts';
import { listen } from './helpers/http.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { type EventView, fetchService, type ServiceView, serviceEvents, serviceInStatus } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';
const ADMIN = '/api/v1/admin/backend-services';

/** A word no other test uses, to find this test's services among everyone's. */
const uniqueTag = () => `tag${randomBytes(5).toString('hex')}`;

async function adminGet(admin: TestUser, url: string) {
  const response = await admin.request('GET', url);
  if (response.statusCode !== 200) throw new Error(`GET ${url} failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

t.test('an admin returns a submission for changes: a draft again, with the reason the developer reads', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'under_review');
  const response = await admin.request('POST', `${ADMIN}/${service.id}/return`, {
    reason: '  Narrow the scopes to what the agreement covers.  ',
  });
  t.equal(response.statusCode, 200);
  t.match(response.json(), { status: 'draft', returnReason: 'Narrow the scopes to what the agreement covers.' });
  const seen = await fetchService(owner, service.id);
  t.match(seen, {
    status: 'draft',
    submittedAt: null,
    rejectionReason: null,
    returnReason: 'Narrow the scopes to what the agreement covers.',
  });
  t.same([...seen.availableActions].sort(), ['delete', 'edit', 'rotate_secret', 'submit'], 'editable again');
  const [event] = await serviceEvents(owner, service.id);
  t.match(event, {
    action: 'return',
    fromStatus: 'under_review',
    toStatus: 'draft',
    actor: { id: admin.id },
    detail: { reason: 'Narrow the scopes to what the agreement covers.' },
  });
  t.same(response.json().environments.sandbox.state, service.environments.sandbox.state, 'nothing to reconcile');

  const edited = await owner.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { scopes: ['system/Patient.rs'] },
    { 'if-match': `"${seen.version}"` },
  );
  t.equal(edited.statusCode, 200);
  const resubmitted = await owner.request('POST', `${BASE}/${service.id}/submit`);
  t.match(resubmitted.json(), { status: 'under_review', returnReason: null }, 'the next submit clears the reason');
});

t.test("return's missing reason answers 400 with a sentence about the reason", async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'under_review');
  for (const body of [{}, { reason: ' ' }, { reason: 42 }]) {
    const response = await admin.request('POST', `${ADMIN}/${service.id}/return`, body);
    const problem = expectProblem(t, response, 400, 'validation_failed');
    t.same(errorPaths(problem), ['/body/reason'], JSON.stringify(body));
    t.equal(
      problem.detail,
      'Cannot return a service without a reason: send the reason the developer will read in `reason`.',
    );
  }
  t.equal((await fetchService(owner, service.id)).status, 'under_review');
});

t.test('two admins racing return and approve on one submission leave exactly one winner', async (t) => {
  const app = await buildTestApp(t);
  const http = await listen(app);
  const owner = await createUser(app);
  const admins = [await createUser(app, 'admin'), await createUser(app, 'admin')];
  const service = await serviceInStatus(owner, admins[0] as TestUser, 'under_review');
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => {
      const admin = admins[i % 2] as TestUser;
      return i % 2 === 0
        ? http.send(admin.token, 'POST', `${ADMIN}/${service.id}/return`, { reason: `race ${i}` })
        : http.send(admin.token, 'POST', `${ADMIN}/${service.id}/approve`, {});
    }),
  );
  const winners = responses.filter((r) => r.statusCode === 200);
  t.equal(winners.length, 1, 'one 200');
  for (const loser of responses.filter((r) => r.statusCode !== 200)) {
    const problem = expectProblem(t, loser, 409, 'illegal_transition');
    t.equal(problem.currentStatus, winners[0]?.json().status, 'each names the status the winner left');
  }
  const final = await fetchService(owner, service.id);
  t.equal(final.version, service.version + 1, 'changed once');
  const decisions = (await serviceEvents(owner, service.id)).filter((e) => ['return', 'approve'].includes(e.action));
  t.equal(decisions.length, 1, 'one decision in the audit trail');
});

t.test('the owner retires an active service: rejected, both environments reconciled, audited', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'active');
  const response = await owner.request('POST', `${BASE}/${service.id}/retire`, { reason: ' Moved to a new vendor ' });
  t.equal(response.statusCode, 200);
  const retired = response.json() as ServiceView;
  t.match(retired, {
    status: 'rejected',
    rejectionReason: 'Moved to a new vendor',
    availableActions: ['delete', 'copy'],
  });
  // Disabling both clients is queued, as for an admin's deactivate.
  t.equal(retired.environments.sandbox.state, 'pending');
  t.equal(retired.environments.production.state, 'pending');
  const [event] = await serviceEvents(owner, service.id);
  t.match(event, {
    action: 'retire',
    fromStatus: 'active',
    toStatus: 'rejected',
    actor: { id: owner.id },
    detail: { reason: 'Moved to a new vendor' },
  });
});

t.test('retire needs no reason, nor a body', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  for (const body of [undefined, {}, { reason: '   ' }]) {
    const service = await serviceInStatus(owner, admin, 'active');
    const response = await owner.request('POST', `${BASE}/${service.id}/retire`, body);
    t.equal(response.statusCode, 200, JSON.stringify(body));
    t.match(response.json(), { status: 'rejected', rejectionReason: null });
    const [event] = await serviceEvents(owner, service.id);
    t.same(event?.detail, {}, 'no reason recorded');
  }
});

t.test("the new owner actions answer 404 on another owner's service, and an admin is not an owner", async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const stranger = await createUser(app);
  const admin = await createUser(app, 'admin');
  const active = await serviceInStatus(owner, admin, 'active');
  const rejected = await serviceInStatus(owner, admin, 'rejected');
  for (const caller of [stranger, admin]) {
    expectProblem(t, await caller.request('POST', `${BASE}/${active.id}/retire`, {}), 404, 'not_found');
    expectProblem(t, await caller.request('POST', `${BASE}/${rejected.id}/copy`), 404, 'not_found');
    expectProblem(t, await caller.request('DELETE', `${BASE}/${rejected.id}`), 404, 'not_found');
  }
  t.equal((await fetchService(owner, active.id)).status, 'active');
  t.match(await fetchService(owner, rejected.id), { status: 'rejected', version: rejected.version });
});

t.test('a developer calling return gets 403, even on their own submission', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'under_review');
  const response = await owner.request('POST', `${ADMIN}/${service.id}/return`, { reason: 'self-review' });
  expectProblem(t, response, 403, 'forbidden');
  t.equal((await fetchService(owner, service.id)).status, 'under_review');
});

t.test('copying a rejected client-secret service makes a new draft with a new client id and secret', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const source = await serviceInStatus(owner, admin, 'rejected', {
    description: 'Nightly claims',
    scopeVersion: 'v1',
    scopes: ['system/Patient.read', 'system/Coverage.read'],
  });
  const response = await owner.request('POST', `${BASE}/${source.id}/copy`);
  t.equal(response.statusCode, 201);
  const copy = response.json() as ServiceView;
  t.equal(response.headers.location, `${BASE}/${copy.id}`);
  t.equal(response.headers['cache-control'], 'no-store', 'the body carries a secret');
  t.not(copy.id, source.id);
  t.not(copy.clientId, source.clientId, 'a new client id');
  t.match(copy.clientSecret, /^pbx_cs_/, 'a new secret, shown once');
  t.match(copy, {
    status: 'draft',
    version: 1,
    name: source.name,
    description: 'Nightly claims',
    authMethod: 'client_secret',
    jwksUri: null,
    scopeVersion: 'v1',
    scopes: source.scopes,
    organizationId: null,
    rejectionReason: null,
    environments: { sandbox: { state: 'pending', clientId: copy.clientId }, production: null },
  });
  t.notOk('clientSecret' in (await fetchService(owner, copy.id)), 'never shown again');
  const [created] = await serviceEvents(owner, copy.id);
  t.match(created, { action: 'create', fromStatus: null, toStatus: 'draft', detail: { copiedFrom: source.id } });
  t.match(await fetchService(owner, source.id), { status: 'rejected', version: source.version }, 'source unchanged');
});

t.test('a copy retried with its Idempotency-Key answers the same copy and secret once more', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const source = await serviceInStatus(owner, admin, 'rejected');
  const key = randomUUID();
  const first = await owner.request('POST', `${BASE}/${source.id}/copy`, undefined, { 'idempotency-key': key });
  const second = await owner.request('POST', `${BASE}/${source.id}/copy`, undefined, { 'idempotency-key': key });
  t.equal(second.statusCode, 201);
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.equal(second.json().id, first.json().id);
  t.equal(second.json().clientSecret, first.json().clientSecret);
  const other = await serviceInStatus(owner, admin, 'rejected');
  const reused = await owner.request('POST', `${BASE}/${other.id}/copy`, undefined, { 'idempotency-key': key });
  expectProblem(t, reused, 422, 'idempotency_key_reused');
  const list = await owner.request('GET', `${BASE}?q=${encodeURIComponent(source.name)}`);
  t.equal((list.json().items as ServiceView[]).filter((s) => s.id !== source.id).length, 1, 'one copy');
});

for (const status of ['draft', 'under_review', 'active'] as const) {
  t.test(`copy of a service in ${status} is refused with 409 naming the status`, async (t) => {
    const app = await buildTestApp(t);
    const owner = await createUser(app);
    const admin = await createUser(app, 'admin');
    const service = await serviceInStatus(owner, admin, status);
    const problem = expectProblem(
      t,
      await owner.request('POST', `${BASE}/${service.id}/copy`),
      409,
      'illegal_transition',
    );
    t.match(problem, { currentStatus: status, action: 'copy' });
    t.match(problem.detail, status);
    t.match(problem.detail, 'rejected', 'and the status it needs');
    const list = await owner.request('GET', BASE);
    t.equal((list.json().items as ServiceView[]).length, 1, 'no copy was made');
  });
}

t.test('a removed rejected service is gone for its owner but stays for admins and in the audit trail', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const tag = uniqueTag();
  const service = await serviceInStatus(owner, admin, 'rejected', { name: `${tag} removed` });
  const draft = await serviceInStatus(owner, admin, 'draft', { name: `${tag} deleted draft` });
  t.equal((await owner.request('DELETE', `${BASE}/${service.id}`)).statusCode, 204);
  t.equal((await owner.request('DELETE', `${BASE}/${draft.id}`)).statusCode, 204);

  expectProblem(t, await owner.request('GET', `${BASE}/${service.id}`), 404, 'not_found');
  expectProblem(t, await owner.request('GET', `${BASE}/${service.id}/events`), 404, 'not_found');
  t.same((await owner.request('GET', BASE)).json().items, [], "gone from the owner's list");
  expectProblem(t, await owner.request('DELETE', `${BASE}/${service.id}`), 404, 'not_found');
  expectProblem(t, await owner.request('POST', `${BASE}/${service.id}/copy`), 404, 'not_found');

  const seen = (await adminGet(admin, `${ADMIN}/${service.id}`)) as ServiceView;
  t.match(seen, { id: service.id, status: 'rejected', availableActions: [] });
  t.ok(Date.parse(seen.deletedAt), 'with when it was removed');
  for (const query of ['limit=100', 'status=rejected&limit=100']) {
    const listed = (await adminGet(admin, `${ADMIN}?${query}`)).items as ServiceView[];
    t.match(
      listed.find((s) => s.id === service.id),
      { deletedAt: seen.deletedAt },
      `in the admin list (?${query})`,
    );
    t.notOk(
      listed.some((s) => s.id === draft.id),
      'a deleted draft is not (it never reached review, as before)',
    );
  }
  // A search stays on the live services' indexes; the audit trail finds a removed one (below).
  t.same((await adminGet(admin, `${ADMIN}?q=${tag}`)).items, []);
  t.same(
    (await adminGet(admin, `${ADMIN}?status=active&limit=100`)).items.filter((s: ServiceView) => s.id === service.id),
    [],
  );
  expectProblem(t, await admin.request('GET', `${ADMIN}/${draft.id}`), 404, 'not_found');

  const trail = (await adminGet(admin, `/api/v1/admin/audit-events?service=${tag}%20removed&limit=100`))
    .items as EventView[];
  t.same(
    trail.map((e) => [e.action, e.fromStatus, e.toStatus]),
    [
      ['delete', 'rejected', null],
      ['reject', 'under_review', 'rejected'],
      ['submit', 'draft', 'under_review'],
      ['create', null, 'draft'],
    ],
  );
  // Its sandbox is reconciled again, to the state rejection left it in (disabled, not removed: see the README).
  t.equal(seen.environments.sandbox.state, 'pending');
  t.equal(seen.environments.production, null);
});
