import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { buildTestApp, createUser, type TestUser } from './helpers/app.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { fetchService, type ServiceView, type Status, serviceEvents, serviceInStatus } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';
const ADMIN = '/api/v1/admin/backend-services';

type Action = 'edit' | 'delete' | 'submit' | 'withdraw' | 'return' | 'approve' | 'reject' | 'deactivate' | 'retire';

/** Performs an action through its HTTP endpoint, as the user the design gives it to. */
function perform(
  action: Action,
  service: ServiceView,
  users: { owner: TestUser; admin: TestUser },
): Promise<LightMyRequestResponse> {
  const { owner, admin } = users;
  switch (action) {
    case 'edit':
      return owner.request(
        'PATCH',
        `${BASE}/${service.id}`,
        { name: 'edited' },
        { 'if-match': `"${service.version}"` },
      );
    case 'delete':
      return owner.request('DELETE', `${BASE}/${service.id}`);
    case 'submit':
    case 'withdraw':
      return owner.request('POST', `${BASE}/${service.id}/${action}`);
    case 'retire':
      return owner.request('POST', `${BASE}/${service.id}/retire`, { reason: 'moved to another platform' });
    case 'approve':
      return admin.request('POST', `${ADMIN}/${service.id}/approve`, {});
    case 'return':
    case 'reject':
    case 'deactivate':
      return admin.request('POST', `${ADMIN}/${service.id}/${action}`, { reason: 'does not meet the policy' });
  }
}

const STATUSES: Status[] = ['draft', 'under_review', 'active', 'rejected'];
const ACTIONS: Action[] = [
  'edit',
  'delete',
  'submit',
  'withdraw',
  'return',
  'approve',
  'reject',
  'deactivate',
  'retire',
];

/** The design's lifecycle table: status -> action -> resulting status (`gone` when deleted). */
const LEGAL: Record<Status, Partial<Record<Action, Status | 'gone'>>> = {
  draft: { edit: 'draft', delete: 'gone', submit: 'under_review' },
  under_review: { withdraw: 'draft', return: 'draft', approve: 'active', reject: 'rejected' },
  active: { deactivate: 'rejected', retire: 'rejected' },
  rejected: { delete: 'gone' },
};

for (const status of STATUSES) {
  for (const action of ACTIONS) {
    const to = LEGAL[status][action];
    const name = to
      ? `${action} of a service in ${status} succeeds and leaves it ${to}`
      : `${action} of a service in ${status} is refused with 409 naming the status`;
    t.test(name, async (t) => {
      const app = await buildTestApp(t);
      const owner = await createUser(app);
      const admin = await createUser(app, 'admin');
      const service = await serviceInStatus(owner, admin, status);
      const eventsBefore = await serviceEvents(owner, service.id);
      const response = await perform(action, service, { owner, admin });

      if (to === 'gone') {
        t.equal(response.statusCode, 204);
        expectProblem(t, await owner.request('GET', `${BASE}/${service.id}`), 404, 'not_found');
        return;
      }
      if (to) {
        t.equal(response.statusCode, 200);
        t.match(response.json(), { id: service.id, status: to, version: service.version + 1 });
        t.match(await fetchService(owner, service.id), { status: to, version: service.version + 1 });
        const events = await serviceEvents(owner, service.id);
        t.equal(events.length, eventsBefore.length + 1, 'one event more');
        // An action that keeps the status is no transition: it names only the status the service stays in.
        const [from, into] = to === status ? [null, null] : [status, to];
        const event = events[0];
        t.same([event?.action, event?.fromStatus, event?.toStatus, event?.serviceStatus], [action, from, into, to]);
        return;
      }
      const problem = expectProblem(t, response, 409, 'illegal_transition');
      t.equal(problem.currentStatus, status);
      t.equal(problem.action, action);
      t.match(problem.detail, status);
      t.match(await fetchService(owner, service.id), { status, version: service.version }, 'unchanged');
      t.equal((await serviceEvents(owner, service.id)).length, eventsBefore.length, 'no event recorded');
    });
  }
}

t.test('offers the owner and the admin exactly the actions the lifecycle allows', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const expected: Record<Status, { owner: string[]; admin: string[] }> = {
    draft: { owner: ['delete', 'edit', 'rotate_secret', 'submit'], admin: [] },
    under_review: { owner: ['rotate_secret', 'withdraw'], admin: ['approve', 'reject', 'return'] },
    active: { owner: ['propose_change', 'retire', 'rotate_secret'], admin: ['deactivate'] },
    rejected: { owner: ['copy', 'delete'], admin: [] },
  };
  for (const status of STATUSES) {
    const service = await serviceInStatus(owner, admin, status);
    const asOwner = await fetchService(owner, service.id);
    const asAdmin = (await admin.request('GET', `${ADMIN}/${service.id}`)).json() as ServiceView;
    t.same([...asOwner.availableActions].sort(), expected[status].owner, `owner, ${status}`);
    t.same([...asAdmin.availableActions].sort(), expected[status].admin, `admin, ${status}`);
  }
});

t.test('refuses admin actions to a developer with 403, even on their own service', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const review = await serviceInStatus(owner, admin, 'under_review');
  const active = await serviceInStatus(owner, admin, 'active');
  const attempts: [string, unknown][] = [
    [`${ADMIN}/${review.id}/approve`, {}],
    [`${ADMIN}/${review.id}/reject`, { reason: 'self-review' }],
    [`${ADMIN}/${review.id}/return`, { reason: 'self-review' }],
    [`${ADMIN}/${active.id}/deactivate`, { reason: 'self-review' }],
  ];
  for (const [url, body] of attempts) {
    expectProblem(t, await owner.request('POST', url, body), 403, 'forbidden');
  }
  t.equal((await fetchService(owner, review.id)).status, 'under_review');
  t.equal((await fetchService(owner, active.id)).status, 'active');
});

t.test("does not let an admin act as the owner of someone else's service", async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const draft = await serviceInStatus(owner, admin, 'draft');
  const review = await serviceInStatus(owner, admin, 'under_review');
  expectProblem(t, await admin.request('POST', `${BASE}/${draft.id}/submit`), 404, 'not_found');
  expectProblem(t, await admin.request('DELETE', `${BASE}/${draft.id}`), 404, 'not_found');
  expectProblem(
    t,
    await admin.request('PATCH', `${BASE}/${draft.id}`, { name: 'x' }, { 'if-match': '"1"' }),
    404,
    'not_found',
  );
  expectProblem(t, await admin.request('POST', `${BASE}/${review.id}/withdraw`), 404, 'not_found');
  t.equal((await fetchService(owner, draft.id)).status, 'draft');
  t.equal((await fetchService(owner, review.id)).status, 'under_review');
});

for (const decision of ['return', 'reject', 'deactivate'] as const) {
  t.test(`${decision} needs a reason: 400 when it is missing or blank`, async (t) => {
    const app = await buildTestApp(t);
    const owner = await createUser(app);
    const admin = await createUser(app, 'admin');
    const service = await serviceInStatus(owner, admin, decision === 'deactivate' ? 'active' : 'under_review');
    const url = `${ADMIN}/${service.id}/${decision}`;
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: '\n\t' }]) {
      const problem = expectProblem(t, await admin.request('POST', url, body), 400, 'validation_failed');
      t.same(errorPaths(problem), ['/body/reason'], `refuses ${JSON.stringify(body)}`);
    }
    expectProblem(t, await admin.request('POST', url), 400, 'validation_failed');
    t.match(await fetchService(owner, service.id), { status: service.status, version: service.version });

    const decided = await admin.request('POST', url, { reason: '  Missing a security contact.  ' });
    t.equal(decided.statusCode, 200);
    t.match(
      decided.json(),
      decision === 'return'
        ? { status: 'draft', returnReason: 'Missing a security contact.', rejectionReason: null }
        : { status: 'rejected', rejectionReason: 'Missing a security contact.', returnReason: null },
    );
  });
}

t.test('approve needs no reason', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'under_review');
  const response = await admin.request('POST', `${ADMIN}/${service.id}/approve`, {});
  t.equal(response.statusCode, 200);
  t.match(response.json(), { status: 'active', reviewNote: null });
});

t.test('a deactivated service is rejected and can go to no other status, only off the dashboard', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'active');
  const response = await admin.request('POST', `${ADMIN}/${service.id}/deactivate`, { reason: 'key leaked' });
  t.match(response.json(), { status: 'rejected', rejectionReason: 'key leaked' });
  const after = response.json() as ServiceView;
  for (const action of ACTIONS.filter((a) => a !== 'delete')) {
    const problem = expectProblem(t, await perform(action, after, { owner, admin }), 409, 'illegal_transition');
    t.equal(problem.currentStatus, 'rejected', action);
  }
});

t.test(
  'records a secret rotation and a resync as actions in the status the service keeps, not as transitions',
  async (t) => {
    const app = await buildTestApp(t);
    const owner = await createUser(app);
    const admin = await createUser(app, 'admin');
    const service = await serviceInStatus(owner, admin, 'active');
    t.equal(
      (await owner.request('POST', `${BASE}/${service.id}/rotate-secret`, { environment: 'sandbox' })).statusCode,
      200,
    );
    t.equal((await admin.request('POST', `${ADMIN}/${service.id}/resync`)).statusCode, 202);
    const [resync, rotation, approval] = await serviceEvents(owner, service.id);
    t.match(rotation, { action: 'rotate_secret', fromStatus: null, toStatus: null, serviceStatus: 'active' });
    t.match(resync, { action: 'resync', fromStatus: null, toStatus: null, serviceStatus: 'active' });
    t.match(approval, { action: 'approve', fromStatus: 'under_review', toStatus: 'active', serviceStatus: 'active' });
  },
);
