import type { ApiClient } from '@payerbox/api-client';
import { pollWhileProvisioning, unwrap } from '@payerbox/web-kit';
import { queryOptions } from '@tanstack/react-query';

/** The query-options factories of the review page's endpoints. */
export const reviewQueries = {
  detail: (api: ApiClient, id: string) =>
    queryOptions({
      queryKey: ['admin', 'backend-services', 'detail', id] as const,
      queryFn: () => unwrap(api.GET('/api/v1/admin/backend-services/{id}', { params: { path: { id } } })),
      refetchInterval: pollWhileProvisioning,
    }),
  changeRequest: (api: ApiClient, id: string, crId: string) =>
    queryOptions({
      queryKey: ['admin', 'backend-services', 'change-request', id, crId] as const,
      queryFn: () =>
        unwrap(
          api.GET('/api/v1/admin/backend-services/{id}/change-requests/{crId}', { params: { path: { id, crId } } }),
        ),
    }),
  /** The service's newest change request: the pending one, when there is one. */
  latestChangeRequest: (api: ApiClient, id: string) =>
    queryOptions({
      queryKey: ['admin', 'backend-services', 'change-requests', id] as const,
      queryFn: async () => {
        const page = await unwrap(
          api.GET('/api/v1/admin/backend-services/{id}/change-requests', {
            params: { path: { id }, query: { limit: 1 } },
          }),
        );
        return page.items[0] ?? null;
      },
    }),
  events: (api: ApiClient, serviceId: string) =>
    queryOptions({
      queryKey: ['admin', 'backend-services', 'events', serviceId] as const,
      // The newest 100 events, shown oldest first.
      queryFn: async () => {
        const page = await unwrap(
          api.GET('/api/v1/admin/audit-events', { params: { query: { serviceId, limit: 100 } } }),
        );
        return [...page.items].reverse();
      },
    }),
};
