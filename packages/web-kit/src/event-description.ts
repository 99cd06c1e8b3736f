import { AUTH_METHOD_LABELS } from './auth-methods.ts';
import { STATUS_LABELS } from './components/status-badge.tsx';

/**
 * How an audit event records the status (API: ServiceEvent): `fromStatus`/`toStatus` only for an action that changed
 * it, `serviceStatus` (the status after the event) on every event. `serviceStatus` is optional here because the
 * committed API client was generated before the server sent it.
 */
export interface EventStatusFields {
  readonly fromStatus: string | null;
  readonly toStatus: string | null;
  readonly serviceStatus?: string | null;
}

/** A status as the product names it ("Under Review"), or the raw value for one this build does not know. */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status;
}

/** "Draft → Under Review", or the status a service was created in; undefined for an action that kept the status. */
export function describeTransition(event: EventStatusFields): string | undefined {
  const { fromStatus: from, toStatus: to } = event;
  if (from === null && to === null) return undefined;
  if (from === null) return statusLabel(to ?? '');
  return `${statusLabel(from)} → ${to === null ? 'deleted' : statusLabel(to)}`;
}

/** The transition, or for an action that kept the status the status it kept ("Active, unchanged"). */
export function describeEventStatus(event: EventStatusFields): string {
  const kept = event.serviceStatus ? `${statusLabel(event.serviceStatus)}, unchanged` : 'unchanged';
  return describeTransition(event) ?? kept;
}

/** Each action of the audit trail in words, as the timeline and the audit log name it. */
export const ACTION_LABELS: Readonly<Record<string, string>> = {
  create: 'Registered',
  edit: 'Edited',
  delete: 'Deleted',
  submit: 'Submitted for review',
  withdraw: 'Withdrawn to draft',
  approve: 'Approved',
  reject: 'Rejected',
  return: 'Returned for changes',
  deactivate: 'Deactivated',
  retire: 'Retired by its owner',
  rotate_secret: 'Sandbox client secret rotated',
  retrieve_production_secret: 'Production client secret retrieved',
  rotate_production_secret: 'Production client secret rotated at once (emergency)',
  start_secret_cutover: 'Production client secret rotation started',
  confirm_secret_cutover: 'Production client secret switch confirmed',
  secret_cutover_due: 'Production client secret switched at its deadline',
  secret_cutover_applied: 'New production client secret applied',
  resync: 'Provisioning retried',
  propose_change: 'Change proposed for review',
  apply_change: 'Changed (narrowing, applied at once)',
  withdraw_change: 'Change request withdrawn',
  approve_change: 'Change request approved',
  reject_change: 'Change request rejected',
  // A system event (packages/domain SYSTEM_EVENT_ACTIONS): the provisioner gave up on an environment.
  provisioning_failed: 'Provisioning failed after its retries',
  // A system event: the notifier's scheduled re-check found the key set failing (the start of a failure episode).
  jwks_check_failed: 'Key set failed its scheduled check',
};

/** An action in words ("Submitted for review"), or the raw action for one this build does not know. */
export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** How sentences name each field of the API's service bodies. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'name',
  description: 'description',
  authMethod: 'authentication method',
  jwksUri: 'JWKS URI',
  productionJwksUri: 'production JWKS URI',
  scopeVersion: 'scope version',
  scopes: 'scopes',
  organizationId: 'organization',
  changeRequestId: 'change request',
};

// The values an edit names in words rather than as sent: the authentication methods.
const VALUE_LABELS: Record<string, string> = AUTH_METHOD_LABELS;

// Fields whose values fit on one line of the timeline; the others are named only there (the audit log shows them all).
const SHORT_FIELDS = ['name', 'authMethod', 'scopeVersion'];

/** How sentences name a field ("JWKS URI"), or the field itself for one this build does not know. */
export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

function capitalised(text: string): string {
  return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
}

/** A configuration field's name heading a row or a column ("Scopes", "JWKS URI"), never its API name. */
export function fieldHeading(field: string): string {
  return capitalised(fieldLabel(field));
}

/** A field's value in words: "none" for no value, an authentication method by its label, others as they are. */
export function valueLabel(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none';
  return typeof value === 'string' ? (VALUE_LABELS[value] ?? value) : JSON.stringify(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** "Scopes added: a, b" and "Scopes removed: c": a scope list is a set, so what changed is what came and went. */
function scopeLines(change: { from?: unknown; to?: unknown }): string[] {
  const before = stringList(change.from);
  const after = stringList(change.to);
  const added = after.filter((scope) => !before.includes(scope));
  const removed = before.filter((scope) => !after.includes(scope));
  return [
    ...(added.length > 0 ? [`Scopes added: ${added.join(', ')}`] : []),
    ...(removed.length > 0 ? [`Scopes removed: ${removed.join(', ')}`] : []),
  ];
}

/** Which changed fields an edit spells out: the short ones (the timeline), or every one (the audit log). */
export type EditValues = 'short' | 'all';

/**
 * An edit event's detail in words: "Changed name, scopes", the scopes added and removed, the before → after of the
 * other fields (only the short ones unless `values` is `all`), and what became of the client secret. Edits recorded
 * before changes were compared listed the fields sent instead: those read "Sent …".
 */
export function describeEdit(detail: Record<string, unknown>, values: EditValues = 'short'): string[] {
  const fields = stringList(detail.changed);
  const changes = detail.changes;
  if (typeof changes !== 'object' || changes === null) {
    return fields.length > 0 ? [`Sent ${fields.map(fieldLabel).join(', ')}`] : [];
  }
  const lines = fields.length > 0 ? [`Changed ${fields.map(fieldLabel).join(', ')}`] : [];
  for (const [field, change] of Object.entries(changes as Record<string, { from?: unknown; to?: unknown } | null>)) {
    if (typeof change !== 'object' || change === null) continue;
    if (field === 'scopes') lines.push(...scopeLines(change));
    else if (values === 'all' || SHORT_FIELDS.includes(field)) {
      lines.push(`${capitalised(fieldLabel(field))}: ${valueLabel(change.from)} → ${valueLabel(change.to)}`);
    }
  }
  if (detail.secret === 'issued') lines.push('A client secret was issued');
  if (detail.secret === 'removed') lines.push('The client secret was removed');
  return lines;
}

/** What the actor wrote with a decision: an approval's note or a rejection's or deactivation's reason. */
export function eventText(detail: Record<string, unknown>): { label: 'Note' | 'Reason'; text: string } | undefined {
  if (typeof detail.reason === 'string' && detail.reason !== '') return { label: 'Reason', text: detail.reason };
  if (typeof detail.note === 'string' && detail.note !== '') return { label: 'Note', text: detail.note };
  return undefined;
}

const ENVIRONMENT_LABELS: Record<string, string> = { sandbox: 'Sandbox', production: 'Production' };

/** What a production secret event's detail says, in words (the secret itself never appears). */
const SWITCHED_BY_LABELS: Record<string, string> = {
  owner: 'Switched by its owner',
  deadline: 'Switched when the deadline passed',
  emergency: 'Switched at once (emergency rotation)',
};

function secretLines(detail: Record<string, unknown>): string[] {
  const lines: string[] = [];
  if (typeof detail.environment === 'string') {
    lines.push(`Environment: ${ENVIRONMENT_LABELS[detail.environment] ?? detail.environment}`);
  }
  if (detail.productionSecret === 'issued') lines.push('A production client secret was issued');
  if (typeof detail.deadline === 'string')
    lines.push(`Switches by itself at ${detail.deadline} unless confirmed before`);
  if (detail.replacedPending === true) lines.push('It replaces a new secret that was still waiting for its switch');
  if (detail.immediate === true) lines.push('The old secret stops working at once');
  if (typeof detail.switchedBy === 'string') lines.push(SWITCHED_BY_LABELS[detail.switchedBy] ?? detail.switchedBy);
  return lines;
}

// Members described above; any other is shown as "member: value" so nothing an event records is hidden.
const DESCRIBED = new Set([
  'changed',
  'changes',
  'secret',
  'note',
  'reason',
  'environments',
  'environment',
  'productionSecret',
  'deadline',
  'replacedPending',
  'immediate',
  'switchedBy',
]);

/**
 * Everything an event's detail says, in words, one line each, for the audit log: an edit's changes (every field, as
 * before → after), the note or reason, the environments a provisioning retry re-armed, and any other member as
 * "member: value" (or "member: old → new"), never raw JSON.
 */
export function describeDetail(detail: Record<string, unknown>): string[] {
  const lines = describeEdit(detail, 'all');
  const text = eventText(detail);
  if (text) lines.push(`${text.label}: “${text.text}”`);
  lines.push(...secretLines(detail));
  if (Array.isArray(detail.environments)) {
    const environments = stringList(detail.environments).map((name) => ENVIRONMENT_LABELS[name] ?? name);
    lines.push(environments.length > 0 ? `Environments: ${environments.join(', ')}` : 'No environment to provision');
  }
  for (const [member, value] of Object.entries(detail)) {
    if (DESCRIBED.has(member)) continue;
    const change = value as { from?: unknown; to?: unknown } | null;
    const isChange = typeof change === 'object' && change !== null && 'from' in change && 'to' in change;
    lines.push(
      `${capitalised(fieldLabel(member))}: ${isChange ? `${valueLabel(change.from)} → ${valueLabel(change.to)}` : valueLabel(value)}`,
    );
  }
  return lines;
}
