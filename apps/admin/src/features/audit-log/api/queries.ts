import type { ApiClient, operations } from '@payerbox/api-client';
import { cursorParam, keysetQueryOptions, unwrap } from '@payerbox/web-kit';

export type AuditFilter = Pick<
  NonNullable<operations['listAuditEvents']['parameters']['query']>,
  'serviceId' | 'actorId' | 'action'
>;
export type AuditAction = NonNullable<AuditFilter['action']>;

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
