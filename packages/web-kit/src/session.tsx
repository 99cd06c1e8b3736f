import type { ApiClient, Me } from '@payerbox/api-client';
import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { useApi, useCsrfHolder } from './api.tsx';
import { ApiError, unwrap } from './api-error.ts';
import { FullPageError, FullPageLoader } from './components/page-states.tsx';

export type PortalApp = 'developer' | 'admin';

export interface SessionValue {
  readonly user: Me;
  readonly app: PortalApp;
  /** When the session ends at the latest (its absolute lifetime; an idle session may end earlier). */
  readonly expiresAt: string;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Where to start signing in, coming back to where the user was. */
export function signInUrl(app: PortalApp, returnTo = `${location.pathname}${location.search}`): string {
  return `/api/auth/login?${new URLSearchParams({ app, returnTo })}`;
}

export const sessionQuery = (api: ApiClient) => ({
  queryKey: ['session'] as const,
  queryFn: () => unwrap(api.GET('/api/auth/session')),
  staleTime: 60_000,
});

async function signOut(api: ApiClient, app: PortalApp): Promise<void> {
  const { logoutUrl } = await unwrap(api.POST('/api/auth/logout'));
  location.assign(logoutUrl ?? (app === 'admin' ? '/admin/' : '/'));
}

/**
 * Renders its children only for a signed-in user: without a session the browser goes to sign in (and comes back);
 * `render` decides what a user of the wrong role sees.
 */
export function SessionGate(props: { app: PortalApp; children: (user: Me) => ReactNode }) {
  const api = useApi();
  const csrf = useCsrfHolder();
  const session = useQuery({ ...sessionQuery(api), retry: (n, error) => n < 3 && !(error instanceof ApiError) });
  const ended = session.error instanceof ApiError && session.error.status === 401;
  useEffect(() => {
    if (ended) location.assign(signInUrl(props.app));
  }, [ended, props.app]);
  if (session.data) csrf.current = session.data.csrfToken;

  if (session.isPending || ended) return <FullPageLoader label="Signing in" />;
  if (session.isError) return <FullPageError error={session.error} onRetry={() => session.refetch()} />;
  const value: SessionValue = {
    user: session.data.user,
    app: props.app,
    expiresAt: session.data.expiresAt,
    signOut: () => signOut(api, props.app),
  };
  return <SessionContext.Provider value={value}>{props.children(session.data.user)}</SessionContext.Provider>;
}

/** The signed-in user (inside SessionGate). */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionGate');
  return value;
}
