import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error.ts';

const MAX_RETRIES = 3;

/** Network failures, 5xx, 429 and 503 are worth another try; other 4xx answers will not change by retrying. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500 || error.status === 429;
  return error instanceof TypeError;
}

/**
 * The SPAs' query client: retries what may succeed later with exponential backoff, and sends the browser to sign in
 * again when any answer says the session has ended (401).
 */
export function createQueryClient(onSessionEnded: () => void): QueryClient {
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401) onSessionEnded();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (failures, error) => failures < MAX_RETRIES && isRetryable(error),
        retryDelay: (attempt) => Math.min(500 * 2 ** attempt, 5_000),
        staleTime: 5_000,
        refetchOnWindowFocus: true,
      },
      // A mutation is not repeated behind the user's back: the user sees the error and chooses to try again.
      mutations: { retry: false },
    },
  });
}
