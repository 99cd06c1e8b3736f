import type { ApiClient, BackendService } from '@payerbox/api-client';
import { unwrap } from '@payerbox/web-kit';
import { queryOptions } from '@tanstack/react-query';

const PROVISIONING_POLL_MS = 1_000;

function isProvisioning(service: BackendService | undefined): boolean {
  const { sandbox, production } = service?.environments ?? {};
  return sandbox?.state === 'pending' || production?.state === 'pending';
}

/** The query-options factories of the review page's endpoints. */
export const reviewQueries = {
  detail: (api: ApiClient, id: string) =>
    queryOptions({
      queryKey: ['admin', 'backend-services', 'detail', id] as const,
      queryFn: () => unwrap(api.GET('/api/v1/admin/backend-services/{id}', { params: { path: { id } } })),
      refetchInterval: (query) => (isProvisioning(query.state.data) ? PROVISIONING_POLL_MS : false),
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
