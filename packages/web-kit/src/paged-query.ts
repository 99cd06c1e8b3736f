import { infiniteQueryOptions, type QueryKey } from '@tanstack/react-query';

/** A page of a keyset-paginated list endpoint. */
export interface KeysetPage {
  readonly nextCursor: string | null;
}

/**
 * Infinite-query options for a keyset-paginated endpoint: `fetchPage` gets the cursor of the next page (undefined for
 * the first), and paging stops when the API answers `nextCursor: null`.
 */
export function keysetQueryOptions<TKey extends QueryKey, TPage extends KeysetPage>(
  queryKey: TKey,
  fetchPage: (cursor: string | undefined) => Promise<TPage>,
) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: TPage) => page.nextCursor ?? undefined,
  });
}

/** `{ cursor }` when there is one, to spread into a list endpoint's query. */
export function cursorParam(cursor: string | undefined): { cursor?: string } {
  return cursor ? { cursor } : {};
}
