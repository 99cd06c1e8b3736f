import type { ApiClient, BackendService } from '@payerbox/api-client';
import {
  cursorParam,
  keysetQueryOptions,
  pollWhileProvisioning,
  type ServiceListFilter,
  unwrap,
} from '@payerbox/web-kit';
import { queryOptions } from '@tanstack/react-query';

export type ServiceStatus = BackendService['status'];

/** The query-options factories of the backend-services endpoints (one per endpoint, used by every component). */
export const serviceQueries = {
  all: ['backend-services'] as const,
  list: (api: ApiClient, filter: ServiceListFilter) =>
    keysetQueryOptions([...serviceQueries.all, 'list', filter] as const, (cursor) =>
      unwrap(
        api.GET('/api/v1/backend-services', { params: { query: { ...filter, limit: 20, ...cursorParam(cursor) } } }),
      ),
    ),
  detail: (api: ApiClient, id: string) =>
    queryOptions({
      queryKey: [...serviceQueries.all, 'detail', id] as const,
      queryFn: () => unwrap(api.GET('/api/v1/backend-services/{id}', { params: { path: { id } } })),
      refetchInterval: pollWhileProvisioning,
    }),
  events: (api: ApiClient, id: string) =>
    queryOptions({
      queryKey: [...serviceQueries.all, 'events', id] as const,
      // The newest 100 events, shown oldest first.
      queryFn: async () => {
        const page = await unwrap(
          api.GET('/api/v1/backend-services/{id}/events', { params: { path: { id }, query: { limit: 100 } } }),
        );
        return [...page.items].reverse();
      },
    }),
  changeRequests: (api: ApiClient, id: string) =>
    queryOptions({
      queryKey: [...serviceQueries.all, 'change-requests', id] as const,
      // The newest 20: the pending one (at most one) and the latest decisions.
      queryFn: () =>
        unwrap(
          api.GET('/api/v1/backend-services/{id}/change-requests', {
            params: { path: { id }, query: { limit: 20 } },
          }),
        ).then((page) => page.items),
    }),
};

/** What the Aidbox environments advertise (signing algorithms); read on the server from their SMART configurations. */
export const environmentQueries = {
  all: (api: ApiClient) =>
    queryOptions({
      queryKey: ['environments'] as const,
      queryFn: () => unwrap(api.GET('/api/v1/environments')),
      // The server caches them for minutes too; they change only when an Aidbox is reconfigured.
      staleTime: 5 * 60_000,
    }),
};
