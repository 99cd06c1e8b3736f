// Change requests of active services (issue 21): proposing (narrowing changes applied at once, the rest pending),
// withdrawing, approving, rejecting, the review queue, and every illegal combination. What the provisioner then does in
// Aidbox is tested end to end in packages/dev-stack/test/change-requests.test.ts.
import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import t, { type Test } from 'tap';
import { pendingRequestsQuery } from '../src/modules/change-requests/repository.ts';
import { encodeCursor, readTimestampPage } from '../src/pagination.ts';
import { buildTestApp, createUser, DEVELOPMENT, type TestUser } from './helpers/app.ts';
import { listen } from './helpers/http.ts';
import { startJwksServer, TEST_KEYS } from './helpers/jwks-server.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { fetchService, type ServiceView, serviceEvents, serviceInStatus } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';
const ADMIN = '/api/v1/admin/backend-services';

interface ChangeRequest {
  id: string;
  status: string;
  changes: { field: string; from: unknown; to: unknown }[];
  proposed: Record<string, unknown>;
  createdAt: string;
  reason: string | null;
  note: string | null;
  clientSecret?: string;
  [member: string]: unknown;
}

async function propose(owner: TestUser, service: ServiceView, body: Record<string, unknown>) {
  return owner.request('POST', `${BASE}/${service.id}/change-requests`, body);
}

/** A pending request adding Observation to an active service's scopes. */
async function pendingRequest(owner: TestUser, service: ServiceView): Promise<ChangeRequest> {
  const response = await propose(owner, service, { scopes: ['system/Patient.rs', 'system/Observation.rs'] });
  if (response.statusCode !== 201) throw new Error(`propose failed: ${response.statusCode} ${response.body}`);
  return response.json() as ChangeRequest;
}

async function setup(t: Test) {
  // Development mode: a key set may be served from the test's loopback server.
  const app = await buildTestApp(t, DEVELOPMENT);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'active');
  return { app, owner, admin, service };
}

t.test('a proposal that adds a scope is a pending request; the service keeps its approved scopes', async (t) => {
  const { owner, service } = await setup(t);
  const response = await propose(owner, service, { scopes: ['system/Patient.rs', 'system/Observation.rs'] });
  t.equal(response.statusCode, 201);
  const request = response.json() as ChangeRequest;
  t.match(request, {
    status: 'pending',
    changes: [{ field: 'scopes', from: ['system/Patient.rs'], to: ['system/Observation.rs', 'system/Patient.rs'] }],
    proposed: { scopes: ['system/Observation.rs', 'system/Patient.rs'], authMethod: 'client_secret' },
    createdBy: { id: owner.id },
    decidedAt: null,
  });
  t.match(request.createdAt, /^\d{4}-/);
  t.notOk('clientSecret' in request, 'no secret when the method stays');
  const after = await fetchService(owner, service.id);
  t.same(after.scopes, ['system/Patient.rs'], 'production keeps the approved configuration');
  t.equal(after.status, 'active');
  t.equal(after.version, service.version, 'the service row is unchanged');
  const [event] = await serviceEvents(owner, service.id);
  t.match(event, { action: 'propose_change', fromStatus: null, toStatus: null, serviceStatus: 'active' });
  t.equal(event?.detail.changeRequestId, request.id);
  const list = await owner.request('GET', `${BASE}/${service.id}/change-requests`);
  t.match(list.json(), { items: [{ id: request.id, status: 'pending' }], nextCursor: null });
});

t.test(
  'a narrowing change (name, description, fewer scopes) applies at once: 200 with the service, audited',
  async (t) => {
    const { owner, service } = await setup(t);
    const response = await propose(owner, service, {
      name: 'Renamed service',
      description: 'Only patients, read',
      scopes: ['system/Patient.r'],
    });
    t.equal(response.statusCode, 200);
    t.match(response.json(), {
      status: 'active',
      name: 'Renamed service',
      description: 'Only patients, read',
      scopes: ['system/Patient.r'],
      version: service.version + 1,
    });
    const environments = response.json().environments;
    t.equal(environments.sandbox.state, 'pending', 'the sandbox is reconciled');
    t.equal(environments.production.state, 'pending', 'and production');
    const [event] = await serviceEvents(owner, service.id);
    t.match(event, {
      action: 'apply_change',
      detail: { changed: ['description', 'name', 'scopes'], changes: { scopes: { to: ['system/Patient.r'] } } },
    });
    const list = (await owner.request('GET', `${BASE}/${service.id}/change-requests`)).json();
    t.same(list.items, [], 'an applied change leaves no request');
  },
);

t.test('a narrowing change mixed with a widening one is reviewed as a whole', async (t) => {
  const { owner, service } = await setup(t);
  const response = await propose(owner, service, {
    name: 'New name',
    scopeVersion: 'v1',
    scopes: ['system/Patient.read'],
  });
  t.equal(response.statusCode, 201);
  t.same(
    (response.json() as ChangeRequest).changes.map((change) => change.field),
    ['name', 'scopeVersion', 'scopes'],
  );
  t.equal((await fetchService(owner, service.id)).name, service.name);
});

t.test('a proposal is checked as a create is: invalid scopes, nothing changed, a failing key set', async (t) => {
  const { owner, service } = await setup(t);
  const bad = await propose(owner, service, { scopes: ['system/patient.rs'] });
  t.same(errorPaths(expectProblem(t, bad, 400, 'validation_failed')), ['/body/scopes/0']);
  const same = await propose(owner, service, { scopes: ['system/Patient.rs'], name: service.name });
  const nothing = expectProblem(t, same, 400, 'validation_failed');
  t.equal(nothing.detail, 'The proposal changes nothing: send at least one field with a new value.');
  const keys = await startJwksServer(t);
  keys.reply('/broken.json', { body: { keys: [] } });
  const broken = await propose(owner, service, { authMethod: 'jwks_uri', jwksUri: keys.url('/broken.json') });
  t.match(expectProblem(t, broken, 400, 'jwks_invalid').jwksReport, { verdict: 'fail' });
  const empty = await propose(owner, service, {});
  expectProblem(t, empty, 400, 'validation_failed');
  t.equal((await owner.request('GET', `${BASE}/${service.id}/change-requests`)).json().items.length, 0);
});

t.test('a proposed switch to client_secret answers its sandbox secret once; approval keeps it', async (t) => {
  const keys = await startJwksServer(t);
  const app = await buildTestApp(t, DEVELOPMENT);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'active', { authMethod: 'jwks_uri', jwksUri: keys.url() });
  const response = await propose(owner, service, { authMethod: 'client_secret' });
  t.equal(response.statusCode, 201);
  t.equal(response.headers['cache-control'], 'no-store');
  const request = response.json() as ChangeRequest;
  t.match(request.clientSecret, /^pbx_cs_/);
  t.match(request.changes, [
    { field: 'authMethod', from: 'jwks_uri', to: 'client_secret' },
    { field: 'jwksUri', from: keys.url(), to: null },
  ]);
  const listed = (await owner.request('GET', `${BASE}/${service.id}/change-requests`)).json();
  t.notOk('clientSecret' in listed.items[0], 'never shown again');

  const approved = await admin.request('POST', `${ADMIN}/${service.id}/change-requests/${request.id}/approve`, {});
  t.equal(approved.statusCode, 200);
  t.match(await fetchService(owner, service.id), { authMethod: 'client_secret', jwksUri: null });
  const [event] = await serviceEvents(owner, service.id);
  t.match(event, { action: 'approve_change', actor: { id: admin.id }, detail: { changeRequestId: request.id } });
});

t.test(
  "production's own key set URL is proposed through a change request: checked live, reviewed, applied on approval",
  async (t) => {
    const keys = await startJwksServer(t);
    keys.reply('/production.json', { body: { keys: [TEST_KEYS.rsa] } });
    keys.reply('/broken.json', { body: { keys: [] } });
    const app = await buildTestApp(t, DEVELOPMENT);
    const owner = await createUser(app);
    const admin = await createUser(app, 'admin');
    const service = await serviceInStatus(owner, admin, 'active', { authMethod: 'jwks_uri', jwksUri: keys.url() });
    const broken = await propose(owner, service, { productionJwksUri: keys.url('/broken.json') });
    expectProblem(t, broken, 400, 'jwks_invalid');
    const response = await propose(owner, service, { productionJwksUri: keys.url('/production.json') });
    t.equal(response.statusCode, 201, 'a new key set URL is reviewed, never applied at once');
    const request = response.json() as ChangeRequest;
    t.match(request.changes, [{ field: 'productionJwksUri', from: null, to: keys.url('/production.json') }]);
    t.equal((await fetchService(owner, service.id)).productionJwksUri, null, 'production keeps its key set meanwhile');
    const approved = await admin.request('POST', `${ADMIN}/${service.id}/change-requests/${request.id}/approve`, {});
    t.equal(approved.statusCode, 200);
    t.match(await fetchService(owner, service.id), {
      jwksUri: keys.url(),
      productionJwksUri: keys.url('/production.json'),
    });
  },
);

t.test("an approved switch between a secret and a key set issues or clears production's own secret", async (t) => {
  const keys = await startJwksServer(t);
  const app = await buildTestApp(t, DEVELOPMENT);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'active', { authMethod: 'jwks_uri', jwksUri: keys.url() });
  const decide = async (body: Record<string, unknown>) => {
    const request = (await propose(owner, service, body)).json() as ChangeRequest;
    const approved = await admin.request('POST', `${ADMIN}/${service.id}/change-requests/${request.id}/approve`, {});
    t.equal(approved.statusCode, 200, `approved: ${JSON.stringify(body)}`);
    return request;
  };
  const toSecret = await decide({ authMethod: 'client_secret' });
  const retrieved = await owner.request('POST', `${BASE}/${service.id}/production-secret`);
  t.equal(retrieved.statusCode, 200, 'production has a secret of its own to retrieve once');
  t.not(retrieved.json().clientSecret, toSecret.clientSecret, 'not the sandbox secret the proposal showed');
  await decide({ authMethod: 'jwks_uri', jwksUri: keys.url() });
  t.match(await fetchService(owner, service.id), { authMethod: 'jwks_uri', productionSecret: null });
  const none = await owner.request('POST', `${BASE}/${service.id}/production-secret`);
  expectProblem(t, none, 409, 'not_a_secret_client');
});

t.test('one pending request per service: another proposal answers 409 change_request_pending', async (t) => {
  const { owner, service } = await setup(t);
  const first = await pendingRequest(owner, service);
  for (const body of [{ scopes: ['system/Patient.cruds'] }, { name: 'Only a rename' }]) {
    const problem = expectProblem(t, await propose(owner, service, body), 409, 'change_request_pending');
    t.equal(problem.changeRequestId, first.id, JSON.stringify(body));
  }
});

t.test('only an active service takes change requests: 409 naming its status', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  for (const status of ['draft', 'under_review', 'rejected'] as const) {
    const service = await serviceInStatus(owner, admin, status);
    const problem = expectProblem(t, await propose(owner, service, { name: 'New' }), 409, 'illegal_transition');
    t.equal(problem.currentStatus, status);
    t.equal(problem.detail, `Cannot propose a change to a service whose status is ${status}; it needs active.`);
  }
});

t.test("another developer's service answers 404 to every change-request operation", async (t) => {
  const { app, owner, service } = await setup(t);
  const request = await pendingRequest(owner, service);
  const stranger = await createUser(app);
  expectProblem(t, await propose(stranger, service, { name: 'Mine now' }), 404, 'not_found');
  expectProblem(t, await stranger.request('GET', `${BASE}/${service.id}/change-requests`), 404, 'not_found');
  const withdraw = await stranger.request('POST', `${BASE}/${service.id}/change-requests/${request.id}/withdraw`);
  expectProblem(t, withdraw, 404, 'not_found');
});

t.test('the owner withdraws a pending request; a decided request cannot be withdrawn or decided again', async (t) => {
  const { owner, admin, service } = await setup(t);
  const request = await pendingRequest(owner, service);
  const url = `${BASE}/${service.id}/change-requests/${request.id}`;
  const withdrawn = await owner.request('POST', `${url}/withdraw`);
  t.equal(withdrawn.statusCode, 200);
  t.match(withdrawn.json(), { status: 'withdrawn', decidedBy: { id: owner.id } });
  t.match((await serviceEvents(owner, service.id))[0], { action: 'withdraw_change' });
  const again = expectProblem(t, await owner.request('POST', `${url}/withdraw`), 409, 'change_request_decided');
  t.equal(again.currentStatus, 'withdrawn');
  t.equal(
    again.detail,
    'The change request is withdrawn; only a pending request can be withdrawn, approved or rejected.',
  );
  const approve = await admin.request('POST', `${ADMIN}/${service.id}/change-requests/${request.id}/approve`, {});
  t.equal(expectProblem(t, approve, 409, 'change_request_decided').currentStatus, 'withdrawn');
  const unknown = await owner.request('POST', `${BASE}/${service.id}/change-requests/${randomUUID()}/withdraw`);
  expectProblem(t, unknown, 404, 'not_found');
  // Free to propose again.
  t.equal((await propose(owner, service, { scopes: ['system/Patient.rs', 'system/Coverage.rs'] })).statusCode, 201);
});

t.test('an admin approves with a note: the proposed configuration becomes the service, audited', async (t) => {
  const { owner, admin, service } = await setup(t);
  const request = await pendingRequest(owner, service);
  const url = `${ADMIN}/${service.id}/change-requests/${request.id}`;
  const read = await admin.request('GET', url);
  t.match(read.json(), { id: request.id, status: 'pending', changes: request.changes });
  const approved = await admin.request('POST', `${url}/approve`, { note: '  Covered by the amendment.  ' });
  t.equal(approved.statusCode, 200);
  t.match(approved.json(), { status: 'approved', note: 'Covered by the amendment.', decidedBy: { id: admin.id } });
  const after = await fetchService(owner, service.id);
  t.same(after.scopes, ['system/Observation.rs', 'system/Patient.rs']);
  t.equal(after.status, 'active');
  t.equal(after.version, service.version + 1);
  t.equal(after.environments.production.state, 'pending', 'production is reconciled to it');
  t.match((await serviceEvents(owner, service.id))[0], {
    action: 'approve_change',
    detail: { changeRequestId: request.id, note: 'Covered by the amendment.' },
  });
  const owners = (await owner.request('GET', `${BASE}/${service.id}/change-requests`)).json();
  t.match(owners.items[0], { status: 'approved', note: 'Covered by the amendment.' }, 'the developer sees the note');
});

t.test('an admin rejects with a reason (required); the service keeps its approved configuration', async (t) => {
  const { owner, admin, service } = await setup(t);
  const request = await pendingRequest(owner, service);
  const url = `${ADMIN}/${service.id}/change-requests/${request.id}`;
  for (const body of [{}, { reason: '  ' }]) {
    const problem = expectProblem(t, await admin.request('POST', `${url}/reject`, body), 400, 'validation_failed');
    t.same(errorPaths(problem), ['/body/reason']);
    t.equal(
      problem.detail,
      'Cannot reject a change request without a reason: send the reason the developer will read in `reason`.',
    );
  }
  const rejected = await admin.request('POST', `${url}/reject`, { reason: 'Observation is not covered.' });
  t.equal(rejected.statusCode, 200);
  t.match(rejected.json(), { status: 'rejected', reason: 'Observation is not covered.' });
  const after = await fetchService(owner, service.id);
  t.same(after.scopes, ['system/Patient.rs']);
  t.equal(after.environments.sandbox.state, 'pending', 'the sandbox is reconciled back');
  t.match((await serviceEvents(owner, service.id))[0], {
    action: 'reject_change',
    detail: { reason: 'Observation is not covered.' },
  });
});

t.test('developers cannot decide change requests: 403', async (t) => {
  const { owner, service } = await setup(t);
  const request = await pendingRequest(owner, service);
  const url = `${ADMIN}/${service.id}/change-requests/${request.id}`;
  expectProblem(t, await owner.request('POST', `${url}/approve`, {}), 403, 'forbidden');
  expectProblem(t, await owner.request('GET', url), 403, 'forbidden');
});

t.test('two admins racing approve and reject on one change request leave exactly one winner', async (t) => {
  const { app, owner, service } = await setup(t);
  const http = await listen(app);
  const admins = [await createUser(app, 'admin'), await createUser(app, 'admin')];
  const request = await pendingRequest(owner, service);
  const url = `${ADMIN}/${service.id}/change-requests/${request.id}`;
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => {
      const admin = admins[i % 2] as TestUser;
      return i % 2 === 0
        ? http.send(admin.token, 'POST', `${url}/reject`, { reason: `race ${i}` })
        : http.send(admin.token, 'POST', `${url}/approve`, {});
    }),
  );
  const winners = responses.filter((response) => response.statusCode === 200);
  t.equal(winners.length, 1, 'one 200');
  for (const loser of responses.filter((response) => response.statusCode !== 200)) {
    const problem = expectProblem(t, loser, 409, 'change_request_decided');
    t.equal(problem.currentStatus, winners[0]?.json().status, 'each names the status the winner left');
  }
  const decisions = (await serviceEvents(owner, service.id)).filter((event) =>
    ['approve_change', 'reject_change'].includes(event.action),
  );
  t.equal(decisions.length, 1, 'one decision in the audit trail');
});

t.test('retiring a service closes its pending request, which can then not be decided', async (t) => {
  const { owner, admin, service } = await setup(t);
  const request = await pendingRequest(owner, service);
  t.equal((await owner.request('POST', `${BASE}/${service.id}/retire`, {})).statusCode, 200);
  const list = (await owner.request('GET', `${BASE}/${service.id}/change-requests`)).json();
  t.match(list.items[0], { id: request.id, status: 'withdrawn', reason: 'The service was retired.' });
  const approve = await admin.request('POST', `${ADMIN}/${service.id}/change-requests/${request.id}/approve`, {});
  const problem = expectProblem(t, approve, 409, 'illegal_transition');
  t.equal(problem.currentStatus, 'rejected');
  t.equal(problem.detail, 'Cannot approve a change request of a service whose status is rejected; it needs active.');
});

t.test(
  'the review queue lists submissions and change requests, each saying which, and pages through both',
  async (t) => {
    const { owner, admin, service } = await setup(t);
    const submitted = await serviceInStatus(owner, admin, 'under_review');
    const request = await pendingRequest(owner, service);
    const other = await serviceInStatus(owner, admin, 'under_review');
    const mine = new Set([submitted.id, service.id, other.id]);
    const seen: { id: string; kind: string; changeRequest: { id: string } | null }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await admin.request('GET', `/api/v1/admin/review-queue?limit=2${query}`);
      t.equal(response.statusCode, 200);
      const page = response.json();
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const ours = seen.filter((item) => mine.has(item.id));
    t.same(
      ours.map((item) => [item.id, item.kind]),
      [
        [submitted.id, 'submission'],
        [service.id, 'change_request'],
        [other.id, 'submission'],
      ],
      'in the order they entered the queue, each once',
    );
    t.equal(ours[1]?.changeRequest?.id, request.id);
    t.equal(ours[0]?.changeRequest, null);
    t.equal(new Set(seen.map((item) => `${item.kind}:${item.id}`)).size, seen.length, 'no item twice');
  },
);

t.test('deactivating a service closes its pending request too', async (t) => {
  const { owner, admin, service } = await setup(t);
  const request = await pendingRequest(owner, service);
  const deactivated = await admin.request('POST', `${ADMIN}/${service.id}/deactivate`, { reason: 'Contract ended' });
  t.equal(deactivated.statusCode, 200);
  const list = (await admin.request('GET', `${ADMIN}/${service.id}/change-requests`)).json();
  t.match(list.items[0], { id: request.id, status: 'withdrawn', reason: 'The service was deactivated.' });
  const queue = (await admin.request('GET', '/api/v1/admin/review-queue?limit=100')).json();
  t.notOk(
    queue.items.some((item: { id: string }) => item.id === service.id),
    'the request left the review queue',
  );
});

t.test("reads the queue's change requests through their partial index (created_at, id)", async (t) => {
  // As for the submissions (review-queue.test.ts): the query must repeat the partial index's predicate, or the queue
  // would fall back to scanning and sorting every request ever made.
  const app = await buildTestApp(t);
  for (const cursor of [undefined, encodeCursor(`2026-11-23T10:00:00.123456Z|${randomUUID()}`)]) {
    const compiled = pendingRequestsQuery(app.db, readTimestampPage({ limit: 20, cursor })).compile();
    const plan = await app.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      await sql`set local enable_sort = off`.execute(trx);
      const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
      );
      return result.rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    t.match(plan, /^Limit .*\n\s*->\s+Index Scan using change_requests_queue_idx on change_requests /, String(cursor));
  }
});
