import type { ApiClient } from '@payerbox/api-client';
import { cursorParam, keysetQueryOptions, type ServiceListFilter, unwrap } from '@payerbox/web-kit';

/** The query-options factories of the admin list endpoints. */
export const adminListQueries = {
  all: ['admin', 'backend-services'] as const,
  reviewQueue: (api: ApiClient) =>
    keysetQueryOptions([...adminListQueries.all, 'review-queue'] as const, (cursor) =>
      unwrap(api.GET('/api/v1/admin/review-queue', { params: { query: { limit: 50, ...cursorParam(cursor) } } })),
    ),
  list: (api: ApiClient, filter: ServiceListFilter) =>
    keysetQueryOptions([...adminListQueries.all, 'list', filter] as const, (cursor) =>
      unwrap(
        api.GET('/api/v1/admin/backend-services', {
          params: { query: { ...filter, limit: 25, ...cursorParam(cursor) } },
        }),
      ),
    ),
};
