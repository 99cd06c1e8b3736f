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
  // A system event: the provisioner gave up an environment after its retries.
  'provisioning.failed',
  // About a person's API token, not a service: the notifier's scan finds it within the notice window.
  'api_token.expiring',
  // A system event: the notifier's periodic re-check found an Active service's key set failing (once per episode).
  'service.jwks_failing',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** The kinds about one of a person's API tokens; every other kind tells of an audit event of a service. */
export type ApiTokenNotificationType = Extract<NotificationType, 'api_token.expiring'>;
export type ServiceNotificationType = Exclude<NotificationType, ApiTokenNotificationType>;

export function isApiTokenNotificationType(type: NotificationType): type is ApiTokenNotificationType {
  return type === 'api_token.expiring';
}

/** How long before its expiry a token's holder is told (issue 22: "an API token expiring within 7 days"). */
export const API_TOKEN_EXPIRY_NOTICE_DAYS = 7;
export const API_TOKEN_EXPIRY_NOTICE_MS = API_TOKEN_EXPIRY_NOTICE_DAYS * 24 * 60 * 60 * 1000;

/**
 * What a notification is about, with the names its sentence needs: a service (for the kinds that tell of its audit
 * events) or an API token with its expiry.
 */
export type NotificationSubject =
  | { readonly type: ServiceNotificationType; readonly serviceName: string }
  | { readonly type: ApiTokenNotificationType; readonly tokenName: string; readonly expiresAt: Date };

/**
 * Who is told: the developer who owns the service, every administrator (the reviewers), or both (a provisioning
 * failure: the owner waits for the environment, the administrators can repair it).
 */
export type NotificationAudience = 'owner' | 'admins' | 'owner_and_admins';

/**
 * Events the system records about a service besides its lifecycle actions: the provisioner gave up on an environment
 * after its retries (`provisioning_failed`, written by packages/provisioning-outbox with the environment's `failed`),
 * and the notifier's re-check found the key set of an Active service failing where it passed before
 * (`jwks_check_failed`, written by the notifier with the start of the failure episode).
 */
export const SYSTEM_EVENT_ACTIONS = ['provisioning_failed', 'jwks_check_failed'] as const;
export type SystemEventAction = (typeof SYSTEM_EVENT_ACTIONS)[number];

/** The one kind the notifier itself produces, about an owner's webhook endpoint that stopped receiving events. */
const NOTIFIER_NOTIFICATION: NotificationRule = { type: 'webhook.failing', audience: 'owner' };

const NOTIFICATION_OF_SYSTEM_EVENT: { readonly [A in SystemEventAction]: NotificationRule } = {
  provisioning_failed: { type: 'provisioning.failed', audience: 'owner_and_admins' },
  // The owner publishes the key set; the administrators can do nothing about it.
  jwks_check_failed: { type: 'service.jwks_failing', audience: 'owner' },
};

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
  // The production secret: retrieving it or confirming a cutover's switch is the owner's own step; a new production
  // secret (an emergency rotation, or the start of a cutover) tells the owner, as a sandbox rotation does.
  retrieve_production_secret: null,
  rotate_production_secret: { type: 'secret.rotated', audience: 'owner' },
  start_secret_cutover: { type: 'secret.rotated', audience: 'owner' },
  confirm_secret_cutover: null,
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

function isSystemEventAction(action: string): action is SystemEventAction {
  return Object.hasOwn(NOTIFICATION_OF_SYSTEM_EVENT, action);
}

/** The notification an audit event's `action` (text in the table) produces: a lifecycle action's or a system event's. */
export function notificationForEvent(action: string): NotificationRule | null {
  if (isLifecycleAction(action)) return notificationFor(action);
  if (isSystemEventAction(action)) return NOTIFICATION_OF_SYSTEM_EVENT[action];
  return null;
}

/** The actions whose events notify someone: those the audit trail's trigger queues (packages/db, migration 0021). */
export function notifyingActions(): (LifecycleAction | SystemEventAction)[] {
  return [...LIFECYCLE_ACTIONS.filter((action) => NOTIFICATION_OF_ACTION[action] !== null), ...SYSTEM_EVENT_ACTIONS];
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** A day as people write it, in UTC (the portal's dates are UTC): "12 December 2026". */
function formatDay(at: Date): string {
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}`;
}

/** What happened, as a sentence naming what it is about (e-mail subjects, the in-app list). */
export function describeNotification(subject: NotificationSubject): string {
  if (subject.type === 'api_token.expiring') {
    return `Your API token “${subject.tokenName}” expires on ${formatDay(subject.expiresAt)}`;
  }
  return describeServiceNotification(subject.type, subject.serviceName);
}

function describeServiceNotification(type: ServiceNotificationType, serviceName: string): string {
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
    case 'provisioning.failed':
      return `Provisioning ${serviceName} failed after its retries`;
    case 'webhook.failing':
      return `A webhook endpoint of yours stopped receiving events: the event about ${serviceName} could not be delivered within the retry window`;
    case 'service.jwks_failing':
      return `The key set of ${serviceName} failed its scheduled check: tokens cannot be issued with it until it is fixed`;
    default:
      return assertNever(type);
  }
}

/**
 * The kind of event as a person chooses it in their e-mail settings: a sentence completing "E-mail me when …", never a
 * type id.
 */
export function describeNotificationKind(type: NotificationType): string {
  switch (type) {
    case 'service.submitted':
      return 'a service is submitted for review';
    case 'service.approved':
      return 'one of my services is approved';
    case 'service.rejected':
      return 'one of my services is rejected';
    case 'service.returned':
      return 'one of my services is returned to me for changes';
    case 'service.deactivated':
      return 'an administrator deactivates one of my services';
    case 'service.retired':
      return 'an owner retires an active service';
    case 'secret.rotated':
      return 'the client secret of one of my services is rotated';
    case 'change_request.submitted':
      return 'a change to an active service is sent for review';
    case 'change_request.approved':
      return 'a change I proposed is approved';
    case 'change_request.rejected':
      return 'a change I proposed is rejected';
    case 'provisioning.failed':
      return 'provisioning a service fails after its retries';
    case 'webhook.failing':
      return 'one of my webhook endpoints stops receiving events';
    case 'api_token.expiring':
      return `one of my API tokens will expire within ${API_TOKEN_EXPIRY_NOTICE_DAYS} days`;
    case 'service.jwks_failing':
      return 'the key set URL of one of my active services fails its check';
    default:
      return assertNever(type);
  }
}

/**
 * The kinds that reach `audience` (alone or with the others), in {@link NOTIFICATION_TYPES} order: what a developer or an
 * administrator gets. The API token kinds reach both: anyone signed in holds tokens (administrators create theirs on
 * the developer portal's API tokens page or through the API), and each token's notice goes to its holder.
 */
export function notificationKindsFor(audience: 'owner' | 'admins'): NotificationType[] {
  const rules = [
    ...Object.values(NOTIFICATION_OF_ACTION),
    ...Object.values(NOTIFICATION_OF_SYSTEM_EVENT),
    NOTIFIER_NOTIFICATION,
  ].filter((rule) => rule !== null);
  const reaches = (rule: NotificationRule) => rule.audience === audience || rule.audience === 'owner_and_admins';
  return NOTIFICATION_TYPES.filter(
    (type) => isApiTokenNotificationType(type) || rules.some((rule) => rule.type === type && reaches(rule)),
  );
}

/** What a notification's {@link notificationReason} is called where it is shown ("Reason: …"). */
export function notificationReasonLabel(type: NotificationType): string {
  if (type === 'service.approved') return 'Note from the reviewer';
  if (type === 'provisioning.failed') return 'Last error';
  if (type === 'service.jwks_failing') return 'What the check found';
  return 'Reason';
}

/**
 * The words an audit event's detail carries, as a notification shows them: the reviewer's reason of a rejection,
 * return or deactivation, the note of an approval, the last error of a failed provisioning, or the first finding of a
 * failing key set check; null when there are none.
 * A notification of another `type` than the event's own (a webhook failing to deliver it) does not repeat them.
 */
export function notificationReason(detail: Readonly<Record<string, unknown>>, type?: NotificationType): string | null {
  if (type === 'webhook.failing') return null;
  const value = detail.reason ?? detail.note ?? detail.error;
  return typeof value === 'string' && value.trim() ? value : null;
}
