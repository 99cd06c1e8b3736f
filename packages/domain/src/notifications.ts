/**
 * What the portal tells people about (issue 22, "Events"): every audited lifecycle action is classified once here as
 * the kind of notification it produces, or none, and whom it goes to. The map is over every {@link LifecycleAction},
 * so an action added to the lifecycle does not compile until someone classifies it.
 */
import { assertNever, LIFECYCLE_ACTIONS, type LifecycleAction } from './lifecycle.ts';

/**
 * The kinds of notification, as e-mail preferences, the in-app list and (later) webhook subscriptions name them. Kinds
 * that no lifecycle action produces yet (provisioning failures, token expiry, JWKS re-checks) join this list with the
 * events that produce them.
 */
export const NOTIFICATION_TYPES = [
  'service.submitted',
  'service.approved',
  'service.rejected',
  'service.returned',
  'service.deactivated',
  'service.retired',
  'secret.rotated',
  'change_request.submitted',
  'change_request.approved',
  'change_request.rejected',
  // Not from a lifecycle action: the notifier gave up a webhook delivery after its retry window (one per episode).
  'webhook.failing',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * Who is told: the developer who owns the service, or every administrator (the reviewers). A kind that goes to both
 * (a provisioning failure) adds a third value here.
 */
export type NotificationAudience = 'owner' | 'admins';

export interface NotificationRule {
  readonly type: NotificationType;
  readonly audience: NotificationAudience;
}

/**
 * The notification each action's audit event produces; `null` for actions nobody needs to hear about: the owner's own
 * drafting (create, edit, delete, withdraw, copy) and an administrator's repair (resync), which changes nothing the
 * owner sees.
 */
const NOTIFICATION_OF_ACTION: { readonly [A in LifecycleAction]: NotificationRule | null } = {
  create: null,
  edit: null,
  delete: null,
  submit: { type: 'service.submitted', audience: 'admins' },
  withdraw: null,
  return: { type: 'service.returned', audience: 'owner' },
  approve: { type: 'service.approved', audience: 'owner' },
  reject: { type: 'service.rejected', audience: 'owner' },
  deactivate: { type: 'service.deactivated', audience: 'owner' },
  // The owner retired it themselves; the administrators who approved it learn that production lost a client.
  retire: { type: 'service.retired', audience: 'admins' },
  copy: null,
  // A credential change always tells the owner, even when they made it: a rotation they did not make is an incident.
  rotate_secret: { type: 'secret.rotated', audience: 'owner' },
  resync: null,
  // A pending change request waits for the reviewers like a submission; a narrowing change applied at once and a
  // withdrawal are the owner's own doing and need no review.
  propose_change: { type: 'change_request.submitted', audience: 'admins' },
  apply_change: null,
  withdraw_change: null,
  approve_change: { type: 'change_request.approved', audience: 'owner' },
  reject_change: { type: 'change_request.rejected', audience: 'owner' },
};

/** Whether `action` names a lifecycle action (an audit event's action column is text). */
export function isLifecycleAction(action: string): action is LifecycleAction {
  return Object.hasOwn(NOTIFICATION_OF_ACTION, action);
}

/** The notification an audit event of `action` produces, or null when it produces none. */
export function notificationFor(action: LifecycleAction): NotificationRule | null {
  return NOTIFICATION_OF_ACTION[action];
}

/** The actions whose events notify someone: those the audit trail's trigger queues (packages/db, migration 0020). */
export function notifyingActions(): LifecycleAction[] {
  return LIFECYCLE_ACTIONS.filter((action) => NOTIFICATION_OF_ACTION[action] !== null);
}

/** What happened, as a sentence about the named service (e-mail subjects, the in-app list). */
export function describeNotification(type: NotificationType, serviceName: string): string {
  switch (type) {
    case 'service.submitted':
      return `${serviceName} was submitted for review`;
    case 'service.approved':
      return `${serviceName} was approved and is going live in production`;
    case 'service.rejected':
      return `${serviceName} was rejected`;
    case 'service.returned':
      return `${serviceName} was returned to you for changes`;
    case 'service.deactivated':
      return `${serviceName} was deactivated by an administrator`;
    case 'service.retired':
      return `${serviceName} was retired by its owner`;
    case 'secret.rotated':
      return `The client secret of ${serviceName} was rotated`;
    case 'change_request.submitted':
      return `A change to ${serviceName} was sent for review`;
    case 'change_request.approved':
      return `The change to ${serviceName} was approved and applied in production`;
    case 'change_request.rejected':
      return `The change to ${serviceName} was rejected`;
    case 'webhook.failing':
      return `A webhook endpoint of yours stopped receiving events: the event about ${serviceName} could not be delivered within the retry window`;
    default:
      return assertNever(type);
  }
}

/**
 * The reviewer's words an audit event's detail carries, as a notification shows them: the reason of a rejection,
 * return or deactivation, or the note of an approval; null when there are none. A notification of another `type`
 * than the event's own (a webhook failing to deliver it) does not repeat the reviewer's words.
 */
export function notificationReason(detail: Readonly<Record<string, unknown>>, type?: NotificationType): string | null {
  if (type === 'webhook.failing') return null;
  const value = detail.reason ?? detail.note;
  return typeof value === 'string' && value.trim() ? value : null;
}
