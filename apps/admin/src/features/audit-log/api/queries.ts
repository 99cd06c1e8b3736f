import type { ApiClient, operations } from '@payerbox/api-client';
import { AUDIT_EVENT_ACTIONS } from '@payerbox/domain';
import { cursorParam, keysetQueryOptions, unwrap } from '@payerbox/web-kit';

type ListQuery = NonNullable<operations['listAuditEvents']['parameters']['query']>;

/** What the audit log asks the API for (the list and the CSV export take the same filters). */
export type AuditFilter = Pick<ListQuery, 'service' | 'clientId' | 'actorEmail' | 'action' | 'from' | 'to'>;
export type AuditAction = NonNullable<AuditFilter['action']>;

/** Every lifecycle action, the admin's provisioning retry (resync) and the provisioner's cutover events among them. */
// A copy is recorded as the new service's `create` (with `copiedFrom`), so no event ever names `copy`.
export const AUDIT_ACTIONS: readonly AuditAction[] = AUDIT_EVENT_ACTIONS.filter((action) => action !== 'copy');

/**
 * The filters as a person sets them and the address keeps them: texts as typed, the action, and the date range as
 * calendar days (`2026-12-01`), both days included.
 */
export interface AuditView {
  readonly service: string;
  readonly clientId: string;
  readonly actorEmail: string;
  readonly action: AuditAction | '';
  readonly fromDay: string;
  readonly toDay: string;
}

export const NO_FILTERS: AuditView = { service: '', clientId: '', actorEmail: '', action: '', fromDay: '', toDay: '' };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight at the start of a calendar day in the browser's time zone, or undefined for text that is no day. */
function startOfDay(day: string, offsetDays = 0): Date | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const start = new Date(year, month, date + offsetDays);
  // new Date rolls 2026-02-30 over to March; a day that does not exist is no day.
  if (offsetDays === 0 && (start.getFullYear() !== year || start.getMonth() !== month)) return undefined;
  return Number.isNaN(start.getTime()) ? undefined : start;
}

/** Whether `day` is a calendar day (`yyyy-mm-dd`) that exists. */
export function isDay(day: string): boolean {
  return startOfDay(day) !== undefined;
}

/** The view the address describes; anything in it that is not a filter value (a day that is none) is left out. */
export function viewFromParams(params: URLSearchParams): AuditView {
  const text = (name: string) => params.get(name)?.trim() ?? '';
  const action = text('action') as AuditAction;
  const day = (name: string) => (isDay(text(name)) ? text(name) : '');
  return {
    service: text('service'),
    clientId: text('clientId'),
    actorEmail: text('actorEmail'),
    action: AUDIT_ACTIONS.includes(action) ? action : '',
    fromDay: day('from'),
    toDay: day('to'),
  };
}

/** The address of a view: only the filters that are set, so that a link names just what it filters by. */
export function paramsFromView(view: AuditView): URLSearchParams {
  const params = new URLSearchParams();
  const entries: [string, string][] = [
    ['service', view.service.trim()],
    ['clientId', view.clientId.trim()],
    ['actorEmail', view.actorEmail.trim()],
    ['action', view.action],
    ['from', view.fromDay],
    ['to', view.toDay],
  ];
  for (const [name, value] of entries) if (value) params.set(name, value);
  return params;
}

export function hasFilters(view: AuditView): boolean {
  return paramsFromView(view).size > 0;
}

/**
 * What the API is asked: the days become instants in the browser's time zone, from the start of the first day
 * (inclusive) to the start of the day after the last (exclusive), so that both days are included.
 */
export function apiFilter(view: AuditView): AuditFilter {
  const from = startOfDay(view.fromDay);
  const to = startOfDay(view.toDay, 1);
  return {
    ...(view.service.trim() && { service: view.service.trim() }),
    ...(view.clientId.trim() && { clientId: view.clientId.trim() }),
    ...(view.actorEmail.trim() && { actorEmail: view.actorEmail.trim() }),
    ...(view.action && { action: view.action }),
    ...(from && { from: from.toISOString() }),
    ...(to && { to: to.toISOString() }),
  };
}

/** The query-options factory of the audit log. */
export const auditQueries = {
  list: (api: ApiClient, filter: AuditFilter) =>
    keysetQueryOptions(['admin', 'audit-events', filter] as const, (cursor) =>
      unwrap(
        api.GET('/api/v1/admin/audit-events', { params: { query: { ...filter, limit: 50, ...cursorParam(cursor) } } }),
      ),
    ),
};

/** Where the browser downloads the same events as CSV (a plain GET: the session cookie authorizes it). */
export function exportUrl(filter: AuditFilter): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
  return `/api/v1/admin/audit-events/export${query.size ? `?${query}` : ''}`;
}
