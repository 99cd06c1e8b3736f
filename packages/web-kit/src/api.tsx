import { type ApiClient, createApiClient } from '@payerbox/api-client';
import { createContext, type ReactNode, useContext, useMemo } from 'react';

/** The current CSRF token of the browser session; the session query fills it in. */
export interface CsrfHolder {
  current: string | undefined;
}

interface ApiValue {
  readonly api: ApiClient;
  readonly csrf: CsrfHolder;
}

const ApiContext = createContext<ApiValue | null>(null);

/** Provides the typed API client of the SPA's own origin, sending the session's CSRF token with every change. */
export function ApiProvider(props: { children: ReactNode }) {
  const value = useMemo<ApiValue>(() => {
    const csrf: CsrfHolder = { current: undefined };
    return { csrf, api: createApiClient({ baseUrl: location.origin, csrfToken: () => csrf.current }) };
  }, []);
  return <ApiContext.Provider value={value}>{props.children}</ApiContext.Provider>;
}

function useApiValue(): ApiValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside ApiProvider');
  return value;
}

/** The typed API client (openapi-fetch). */
export function useApi(): ApiClient {
  return useApiValue().api;
}

export function useCsrfHolder(): CsrfHolder {
  return useApiValue().csrf;
}
