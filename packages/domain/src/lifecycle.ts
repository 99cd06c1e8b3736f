/**
 * The Backend Service lifecycle (design.md, "Lifecycle") as pure functions.
 *
 * Every legal move is one row of {@link TRANSITIONS}; anything else is illegal and the API answers 409
 * naming the current status.
 */

/** Statuses as the API spells them. */
export const SERVICE_STATUSES = ['draft', 'under_review', 'active', 'rejected'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** The actions a service's `availableActions` can offer (the portals' buttons follow them). */
export const AVAILABLE_ACTIONS = [
  'create',
  'edit',
  'delete',
  'submit',
  'withdraw',
  'return',
  'approve',
  'reject',
  'deactivate',
  'retire',
  'copy',
  'rotate_secret',
  'propose_change',
] as const;
export type AvailableAction = (typeof AVAILABLE_ACTIONS)[number];

/**
 * The owner's actions on an active client-secret service's production secret (issue 21, "Credentials per
 * environment"): retrieve it once, rotate it at once (an emergency), or rotate it without an outage: start a cutover
 * (the new secret is issued and kept pending while the old one works) and confirm the switch. Whether one is possible
 * depends on the secret's state as well as the status, so the service's `productionSecret` says so, not
 * `availableActions`.
 */
export const PRODUCTION_SECRET_ACTIONS = [
  'retrieve_production_secret',
  'rotate_production_secret',
  'start_secret_cutover',
  'confirm_secret_cutover',
] as const;
export type ProductionSecretAction = (typeof PRODUCTION_SECRET_ACTIONS)[number];

/**
 * Every action, as its change record (audit event) names it: the available ones, the production secret's, and
 * `resync`, an administrator's repair that reconciles the service again in whatever status it is in. The admin portal
 * offers resync on every service itself, so it is not among the available actions. `copy` is the one action no event
 * names: what it records is the `create` of the new service (its detail names the source).
 *
 * The change-request actions (issue 21): `propose_change` is the owner's button on an active service. A proposal that
 * only narrows access is applied at once and recorded as `apply_change`; any other is a pending change request that
 * its owner may withdraw (`withdraw_change`) and an admin decides (`approve_change`, `reject_change`). Those three act
 * on a request, not only on the service's status, so they are offered with the request, not among the available
 * actions.
 */
export const LIFECYCLE_ACTIONS = [
  ...AVAILABLE_ACTIONS,
  ...PRODUCTION_SECRET_ACTIONS,
  'resync',
  'apply_change',
  'withdraw_change',
  'approve_change',
  'reject_change',
] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** Who performs an action: the developer who owns the service, or an administrator. */
export type Actor = 'owner' | 'admin';

/** How a backend service authenticates at the token endpoint. */
export const AUTH_METHODS = ['jwks_uri', 'client_secret'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** The Aidbox environments a service can be provisioned into. */
export const ENVIRONMENTS = ['sandbox', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** A state before creation or after deletion: the service does not exist. */
export type LifecycleState = ServiceStatus | 'none';

interface TransitionRule {
  readonly from: readonly LifecycleState[];
  /** The resulting state; `same` keeps the current one. */
  readonly to: LifecycleState | 'same';
  readonly actor: Actor;
  /**
   * The environments the provisioner must reconcile after this action; `provisioned`: every environment the service
   * is provisioned in at the time (a new secret or a repair goes wherever the client exists, and nowhere else).
   */
  readonly reconcile: readonly Environment[] | 'provisioned';
  /** Whether the action needs a free-text reason from the actor. */
  readonly reasonRequired: boolean;
}

const TRANSITIONS: { readonly [A in LifecycleAction]: TransitionRule } = {
  create: { from: ['none'], to: 'draft', actor: 'owner', reconcile: ['sandbox'], reasonRequired: false },
  edit: { from: ['draft'], to: 'draft', actor: 'owner', reconcile: ['sandbox'], reasonRequired: false },
  // A deleted draft's sandbox client is removed; a deleted rejected service's clients stay disabled (see
  // environmentTarget), so reconciling its sandbox again changes nothing there.
  delete: { from: ['draft', 'rejected'], to: 'none', actor: 'owner', reconcile: ['sandbox'], reasonRequired: false },
  submit: { from: ['draft'], to: 'under_review', actor: 'owner', reconcile: [], reasonRequired: false },
  withdraw: { from: ['under_review'], to: 'draft', actor: 'owner', reconcile: [], reasonRequired: false },
  // Returned for changes: the reviewer's reason goes to the developer, who edits the draft and submits again.
  return: { from: ['under_review'], to: 'draft', actor: 'admin', reconcile: [], reasonRequired: true },
  approve: { from: ['under_review'], to: 'active', actor: 'admin', reconcile: ['production'], reasonRequired: false },
  reject: { from: ['under_review'], to: 'rejected', actor: 'admin', reconcile: ['sandbox'], reasonRequired: true },
  deactivate: {
    from: ['active'],
    to: 'rejected',
    actor: 'admin',
    reconcile: ['sandbox', 'production'],
    reasonRequired: true,
  },
  // The owner's own way out of production, with the effect of an admin's deactivate; the reason is optional.
  retire: {
    from: ['active'],
    to: 'rejected',
    actor: 'owner',
    reconcile: ['sandbox', 'production'],
    reasonRequired: false,
  },
  // Starting again from a rejected service: the source stays as it is; the copy is a `create` of a new service
  // (its event names the source), so no event carries this action.
  copy: { from: ['rejected'], to: 'same', actor: 'owner', reconcile: [], reasonRequired: false },
  // The sandbox secret: the sandbox client exists from creation until rejection.
  rotate_secret: {
    from: ['draft', 'under_review', 'active'],
    to: 'same',
    actor: 'owner',
    reconcile: ['sandbox'],
    reasonRequired: false,
  },
  // The production secret exists from approval; retrieving it changes nothing in Aidbox.
  retrieve_production_secret: { from: ['active'], to: 'same', actor: 'owner', reconcile: [], reasonRequired: false },
  // An emergency: the new secret replaces the old one in production at once.
  rotate_production_secret: {
    from: ['active'],
    to: 'same',
    actor: 'owner',
    reconcile: ['production'],
    reasonRequired: false,
  },
  // The new secret waits beside the row; production keeps the old one until the switch is confirmed.
  start_secret_cutover: { from: ['active'], to: 'same', actor: 'owner', reconcile: [], reasonRequired: false },
  confirm_secret_cutover: {
    from: ['active'],
    to: 'same',
    actor: 'owner',
    reconcile: ['production'],
    reasonRequired: false,
  },
  resync: {
    from: ['draft', 'under_review', 'active', 'rejected'],
    to: 'same',
    actor: 'admin',
    reconcile: 'provisioned',
    reasonRequired: false,
  },
  // A change request of an active service (the service stays active throughout): while it is pending the sandbox runs
  // the proposed configuration and production the approved one, so proposing, withdrawing and rejecting reconcile
  // the sandbox, and approving (or a narrowing change applied at once) both environments.
  propose_change: { from: ['active'], to: 'same', actor: 'owner', reconcile: ['sandbox'], reasonRequired: false },
  apply_change: {
    from: ['active'],
    to: 'same',
    actor: 'owner',
    reconcile: ['sandbox', 'production'],
    reasonRequired: false,
  },
  withdraw_change: { from: ['active'], to: 'same', actor: 'owner', reconcile: ['sandbox'], reasonRequired: false },
  approve_change: {
    from: ['active'],
    to: 'same',
    actor: 'admin',
    reconcile: ['sandbox', 'production'],
    reasonRequired: false,
  },
  reject_change: { from: ['active'], to: 'same', actor: 'admin', reconcile: ['sandbox'], reasonRequired: true },
};

export type TransitionResult =
  | { readonly ok: true; readonly from: LifecycleState; readonly to: LifecycleState }
  | { readonly ok: false; readonly reason: 'illegal_transition' | 'forbidden_actor' };

/** Decides whether `actor` may perform `action` on a service in state `from`, and where it leads. */
export function transition(from: LifecycleState, action: LifecycleAction, actor: Actor): TransitionResult {
  const rule = TRANSITIONS[action];
  if (rule.actor !== actor) return { ok: false, reason: 'forbidden_actor' };
  if (!rule.from.includes(from)) return { ok: false, reason: 'illegal_transition' };
  return { ok: true, from, to: rule.to === 'same' ? from : rule.to };
}

/** The statuses from which `action` is legal (used to name them in conflict messages). */
export function statusesAllowing(action: LifecycleAction): readonly ServiceStatus[] {
  return TRANSITIONS[action].from.filter((s): s is ServiceStatus => s !== 'none');
}

/** Who may perform an action. */
export function actorFor(action: LifecycleAction): Actor {
  return TRANSITIONS[action].actor;
}

/** Whether the action needs a reason (return, reject, deactivate). */
export function requiresReason(action: LifecycleAction): boolean {
  return TRANSITIONS[action].reasonRequired;
}

/** Whether the environments to reconcile after `action` are those the service is provisioned in. */
export function reconcilesProvisionedEnvironments(action: LifecycleAction): boolean {
  return TRANSITIONS[action].reconcile === 'provisioned';
}

/**
 * The environments the provisioner must reconcile after `action`, in {@link ENVIRONMENTS} order. `provisioned` are
 * the environments the service is provisioned in; only an action that reconciles those reads it (see
 * {@link reconcilesProvisionedEnvironments}).
 */
export function environmentsToReconcile(
  action: LifecycleAction,
  provisioned: readonly Environment[] = [],
): readonly Environment[] {
  const { reconcile } = TRANSITIONS[action];
  return reconcile === 'provisioned' ? ENVIRONMENTS.filter((env) => provisioned.includes(env)) : reconcile;
}

/** Whether an action makes sense for a service that authenticates this way (only secrets can be rotated). */
export function appliesToAuthMethod(action: LifecycleAction, authMethod: AuthMethod): boolean {
  const secretAction = action === 'rotate_secret' || (PRODUCTION_SECRET_ACTIONS as readonly string[]).includes(action);
  return !secretAction || authMethod === 'client_secret';
}

/** The actions `actor` may take on a service in `status` now (drives buttons in the SPAs). */
export function availableActions(status: ServiceStatus, actor: Actor, authMethod: AuthMethod): AvailableAction[] {
  return AVAILABLE_ACTIONS.filter(
    (action) => transition(status, action, actor).ok && appliesToAuthMethod(action, authMethod),
  );
}

/**
 * The statuses an audit event records for an action that took a service from `before` to `after`. Only an action that
 * moves the service to another status is a transition and names both ends (`fromStatus` null at creation, `toStatus`
 * null at deletion); an action that keeps the status (edit, secret rotation, resync) names neither, so that no event
 * reads as a transition that did not happen. `serviceStatus` is the status the service is in after the action, for
 * every event (null once deleted).
 */
export interface EventStatuses {
  readonly fromStatus: ServiceStatus | null;
  readonly toStatus: ServiceStatus | null;
  readonly serviceStatus: ServiceStatus | null;
}

/** See {@link EventStatuses}. */
export function eventStatuses(before: LifecycleState, after: LifecycleState): EventStatuses {
  const status = (state: LifecycleState) => (state === 'none' ? null : state);
  if (before === after) return { fromStatus: null, toStatus: null, serviceStatus: status(after) };
  return { fromStatus: status(before), toStatus: status(after), serviceStatus: status(after) };
}

/** Whether the service's configuration (name, scopes, keys) may still change. */
export function isConfigurationEditable(status: ServiceStatus): boolean {
  return transition(status, 'edit', 'owner').ok;
}

/** Whether no action leads anywhere from `status` except to itself. */
export function isTerminal(status: ServiceStatus): boolean {
  return LIFECYCLE_ACTIONS.every((action) =>
    (['owner', 'admin'] as const).every((actor) => {
      const result = transition(status, action, actor);
      return !result.ok || result.to === status;
    }),
  );
}

/** Human-readable meaning of each status (product doc, "Service status"). */
export function describeStatus(status: ServiceStatus): string {
  switch (status) {
    case 'draft':
      return 'Created, not yet submitted';
    case 'under_review':
      return 'Submitted, waiting for admin decision';
    case 'active':
      return 'Approved and live in production';
    case 'rejected':
      return 'Declined at review, or deactivated or retired after going live';
    default:
      return assertNever(status);
  }
}

/** Exhaustiveness guard for `switch` over union types. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}

/** What the provisioner makes an environment's Aidbox client look like. */
export type EnvironmentTarget = 'active' | 'disabled' | 'absent';

/**
 * The desired state of one environment for a service (design.md, "Lifecycle" side effects): the sandbox client lives
 * from creation until the draft is deleted and is disabled once rejected; the production client exists from approval
 * and is disabled on deactivation or retirement. `deleted` is a tombstone: a deleted draft's clients are removed, but
 * a deleted rejected service's stay disabled, as rejection left them. Keeping them is the fail-safe: a disabled client
 * grants nothing, its client id stays taken, and the tombstone stays what the audit trail and the admins see.
 */
export function environmentTarget(
  environment: Environment,
  status: ServiceStatus,
  deleted: boolean,
): EnvironmentTarget {
  if (deleted && status !== 'rejected') return 'absent';
  switch (environment) {
    case 'sandbox':
      return status === 'rejected' ? 'disabled' : 'active';
    case 'production':
      switch (status) {
        case 'active':
          return 'active';
        case 'rejected':
          return 'disabled';
        case 'draft':
        case 'under_review':
          return 'absent';
        default:
          return assertNever(status);
      }
    default:
      return assertNever(environment);
  }
}
