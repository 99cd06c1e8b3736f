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

/** How sentences name each field of the API's service bodies. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'name',
  description: 'description',
  authMethod: 'authentication method',
  jwksUri: 'JWKS URI',
  scopeVersion: 'scope version',
  scopes: 'scopes',
  organizationId: 'organization',
};

const VALUE_LABELS: Record<string, string> = { jwks_uri: 'JWKS URI', client_secret: 'Client secret' };

// Fields whose values fit on one line of the timeline; the others are named only.
const SHORT_FIELDS = ['name', 'authMethod', 'scopeVersion'];

function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

function valueLabel(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none';
  return typeof value === 'string' ? (VALUE_LABELS[value] ?? value) : JSON.stringify(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * An edit event's detail in words: "Changed name, scopes", the before → after of short fields, and what became of
 * the client secret. Edits recorded before changes were compared listed the fields sent instead: those read
 * "Sent …".
 */
export function describeEdit(detail: Record<string, unknown>): string[] {
  const fields = stringList(detail.changed);
  const changes = detail.changes;
  if (typeof changes !== 'object' || changes === null) {
    return fields.length > 0 ? [`Sent ${fields.map(fieldLabel).join(', ')}`] : [];
  }
  const lines = fields.length > 0 ? [`Changed ${fields.map(fieldLabel).join(', ')}`] : [];
  for (const field of SHORT_FIELDS) {
    const change = (changes as Record<string, { from?: unknown; to?: unknown } | undefined>)[field];
    if (!change) continue;
    const label = fieldLabel(field);
    lines.push(`${label[0]?.toUpperCase()}${label.slice(1)}: ${valueLabel(change.from)} → ${valueLabel(change.to)}`);
  }
  if (detail.secret === 'issued') lines.push('A client secret was issued');
  if (detail.secret === 'removed') lines.push('The client secret was removed');
  return lines;
}
