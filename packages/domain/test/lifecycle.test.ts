import fc from 'fast-check';
import t from 'tap';
import {
  type Actor,
  availableActions,
  environmentsToReconcile,
  environmentTarget,
  eventStatuses,
  isTerminal,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  type LifecycleState,
  requiresReason,
  SERVICE_STATUSES,
  statusesAllowing,
  transition,
} from '../src/index.ts';

const actions = fc.constantFrom(...LIFECYCLE_ACTIONS);
const actors = fc.constantFrom<Actor>('owner', 'admin');
const defined = new Set<LifecycleState>([...SERVICE_STATUSES, 'none']);

t.test('follows the lifecycle table of the design', async (t) => {
  const legal: [LifecycleState, LifecycleAction, Actor, LifecycleState][] = [
    ['none', 'create', 'owner', 'draft'],
    ['draft', 'edit', 'owner', 'draft'],
    ['draft', 'delete', 'owner', 'none'],
    ['rejected', 'delete', 'owner', 'none'],
    ['draft', 'submit', 'owner', 'under_review'],
    ['under_review', 'withdraw', 'owner', 'draft'],
    ['under_review', 'return', 'admin', 'draft'],
    ['under_review', 'approve', 'admin', 'active'],
    ['under_review', 'reject', 'admin', 'rejected'],
    ['active', 'deactivate', 'admin', 'rejected'],
    ['active', 'retire', 'owner', 'rejected'],
    ['rejected', 'copy', 'owner', 'rejected'],
    ['draft', 'rotate_secret', 'owner', 'draft'],
    ['under_review', 'rotate_secret', 'owner', 'under_review'],
    ['active', 'rotate_secret', 'owner', 'active'],
    ['active', 'retrieve_production_secret', 'owner', 'active'],
    ['active', 'rotate_production_secret', 'owner', 'active'],
    ['active', 'start_secret_cutover', 'owner', 'active'],
    ['active', 'confirm_secret_cutover', 'owner', 'active'],
    ['draft', 'resync', 'admin', 'draft'],
    ['under_review', 'resync', 'admin', 'under_review'],
    ['active', 'resync', 'admin', 'active'],
    ['rejected', 'resync', 'admin', 'rejected'],
    ['active', 'propose_change', 'owner', 'active'],
    ['active', 'apply_change', 'owner', 'active'],
    ['active', 'withdraw_change', 'owner', 'active'],
    ['active', 'approve_change', 'admin', 'active'],
    ['active', 'reject_change', 'admin', 'active'],
  ];
  for (const [from, action, actor, to] of legal) {
    t.same(transition(from, action, actor), { ok: true, from, to }, `${from} --${action}--> ${to}`);
  }
  const legalKeys = new Set(legal.map(([from, action]) => `${from}:${action}`));
  for (const from of [...SERVICE_STATUSES, 'none'] as const) {
    for (const action of LIFECYCLE_ACTIONS) {
      if (legalKeys.has(`${from}:${action}`)) continue;
      const owner = transition(from, action, 'owner');
      const admin = transition(from, action, 'admin');
      t.equal(owner.ok || admin.ok, false, `${action} is illegal from ${from}`);
    }
  }
});

t.test('refuses an action to the wrong kind of actor', async (t) => {
  t.same(transition('under_review', 'approve', 'owner'), { ok: false, reason: 'forbidden_actor' });
  t.same(transition('draft', 'submit', 'admin'), { ok: false, reason: 'forbidden_actor' });
});

t.test('no sequence of actions reaches an undefined state', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(actions, actors), { maxLength: 40 }), (steps) => {
      let state: LifecycleState = 'none';
      for (const [action, actor] of steps) {
        const result = transition(state, action, actor);
        if (result.ok) state = result.to;
        if (!defined.has(state)) return false;
      }
      return true;
    }),
  );
  t.pass('property held');
});

t.test('rejected leads only out of the dashboard: no sequence of actions makes it another status', async (t) => {
  t.notOk(isTerminal('rejected'), 'it can be deleted');
  t.notOk(isTerminal('draft'));
  t.same(availableActions('rejected', 'owner', 'client_secret'), ['delete', 'copy']);
  t.same(availableActions('rejected', 'admin', 'client_secret'), []);
  fc.assert(
    fc.property(fc.array(fc.tuple(actions, actors), { maxLength: 40 }), (steps) => {
      let state: LifecycleState = 'rejected';
      for (const [action, actor] of steps) {
        // Deleted, the service is gone: a create after it is another service.
        if (state === 'none') break;
        const result = transition(state, action, actor);
        if (result.ok) state = result.to;
      }
      return state === 'rejected' || state === 'none';
    }),
  );
});

t.test('offers the ways forward where they apply: return to admins, retire to owners of active services', async (t) => {
  t.same(availableActions('under_review', 'admin', 'client_secret'), ['return', 'approve', 'reject']);
  t.same(availableActions('active', 'owner', 'client_secret'), ['retire', 'rotate_secret', 'propose_change']);
  t.ok(requiresReason('return'));
  t.notOk(requiresReason('retire'));
  t.same(environmentsToReconcile('retire'), ['sandbox', 'production']);
  t.same(environmentsToReconcile('return'), []);
});

t.test('offers secret rotation only to client-secret services', async (t) => {
  t.same(availableActions('draft', 'owner', 'client_secret'), ['edit', 'delete', 'submit', 'rotate_secret']);
  t.same(availableActions('draft', 'owner', 'jwks_uri'), ['edit', 'delete', 'submit']);
  t.same(availableActions('active', 'owner', 'jwks_uri'), ['retire', 'propose_change']);
  t.same(availableActions('under_review', 'admin', 'jwks_uri'), ['return', 'approve', 'reject']);
});

t.test(
  "reconciles only the environment whose secret changes: the sandbox's now, production's at the switch",
  async (t) => {
    t.same(environmentsToReconcile('rotate_secret'), ['sandbox']);
    t.same(environmentsToReconcile('rotate_production_secret'), ['production']);
    t.same(environmentsToReconcile('start_secret_cutover'), [], 'production keeps the old secret until the switch');
    t.same(environmentsToReconcile('confirm_secret_cutover'), ['production']);
    t.same(environmentsToReconcile('retrieve_production_secret'), []);
  },
);

t.test('names the statuses an action is legal from', async (t) => {
  t.same(statusesAllowing('rotate_secret'), ['draft', 'under_review', 'active']);
  t.same(statusesAllowing('create'), []);
});

t.test('derives what each environment must look like', async (t) => {
  t.equal(environmentTarget('sandbox', 'draft', false), 'active');
  t.equal(environmentTarget('sandbox', 'under_review', false), 'active');
  t.equal(environmentTarget('sandbox', 'active', false), 'active');
  t.equal(environmentTarget('sandbox', 'rejected', false), 'disabled');
  t.equal(environmentTarget('sandbox', 'draft', true), 'absent');
  t.equal(environmentTarget('sandbox', 'rejected', true), 'disabled', "a deleted rejected service's stay disabled");
  t.equal(environmentTarget('production', 'rejected', true), 'disabled');
  t.equal(environmentTarget('production', 'under_review', false), 'absent');
  t.equal(environmentTarget('production', 'active', false), 'active');
  t.equal(environmentTarget('production', 'rejected', false), 'disabled');
});

t.test('records a status change only for an action that moves the service to another status', async (t) => {
  t.same(eventStatuses('none', 'draft'), { fromStatus: null, toStatus: 'draft', serviceStatus: 'draft' }, 'create');
  t.same(eventStatuses('draft', 'under_review'), {
    fromStatus: 'draft',
    toStatus: 'under_review',
    serviceStatus: 'under_review',
  });
  t.same(eventStatuses('draft', 'none'), { fromStatus: 'draft', toStatus: null, serviceStatus: null }, 'delete');
  t.same(
    eventStatuses('active', 'active'),
    { fromStatus: null, toStatus: null, serviceStatus: 'active' },
    'a rotation in active is no transition, and says the service is active',
  );
});
