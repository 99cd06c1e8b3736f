import type { ApiClient } from '@payerbox/api-client';
import { unwrap } from '@payerbox/web-kit';
import { queryOptions } from '@tanstack/react-query';

/** The query-options factory of the API tokens endpoint. */
export const apiTokenQueries = {
  all: ['api-tokens'] as const,
  list: (api: ApiClient) =>
    queryOptions({
      queryKey: [...apiTokenQueries.all, 'list'] as const,
      queryFn: () => unwrap(api.GET('/api/v1/api-tokens', { params: { query: { limit: 100 } } })),
    }),
};
