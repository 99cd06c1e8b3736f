import type { ApiClient } from '@payerbox/api-client';
import { unwrap } from '@payerbox/web-kit';
import { queryOptions } from '@tanstack/react-query';

/** The query-options factories of the webhooks endpoints. */
export const webhookQueries = {
  all: ['webhooks'] as const,
  list: (api: ApiClient) =>
    queryOptions({
      queryKey: [...webhookQueries.all, 'list'] as const,
      queryFn: () => unwrap(api.GET('/api/v1/webhooks', { params: { query: { limit: 100 } } })),
    }),
  deliveries: (api: ApiClient, id: string) =>
    queryOptions({
      queryKey: [...webhookQueries.all, id, 'deliveries'] as const,
      queryFn: () =>
        unwrap(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 50 } } })),
      // Deliveries run in the background: the log follows them while it is open.
      refetchInterval: 2_000,
    }),
};
