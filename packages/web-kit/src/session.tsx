import type { ApiClient, Me } from '@payerbox/api-client';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
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

const SESSION_KEY = 'session';

export const sessionQuery = (api: ApiClient) => ({
  queryKey: [SESSION_KEY] as const,
  queryFn: () => unwrap(api.GET('/api/auth/session')),
  staleTime: 60_000,
});

/** Why the gate shows a spinner instead of its children although it has a session. */
type Veil = 'signing-out' | 'rechecking';

/** Forgets every answer but the session's (which the gate itself still watches). */
function forgetSignedInData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY });
}

/**
 * Signs out here and at the issuer. The page is emptied first: the browser may keep it in its back/forward cache
 * while it goes to the issuer, and Back would show that copy as it was left.
 */
async function signOut(api: ApiClient, app: PortalApp, queryClient: QueryClient, veil: (to?: Veil) => void) {
  flushSync(() => veil('signing-out'));
  forgetSignedInData(queryClient);
  try {
    const { logoutUrl } = await unwrap(api.POST('/api/auth/logout'));
    location.assign(logoutUrl ?? (app === 'admin' ? '/admin/' : '/'));
  } catch (error) {
    veil(undefined);
    throw error;
  }
}

/**
 * A page the back/forward cache brings back (`pageshow` with `persisted`) is shown as it was left, without loading:
 * the session may have ended since (signed out in this tab or another, or expired). Hide it until the session is
 * confirmed again; without one, go to sign in.
 */
function useRecheckOnRestore(app: PortalApp, veil: (to?: Veil) => void): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      // Synchronously, so the restored copy is replaced before the browser paints it again.
      flushSync(() => veil('rechecking'));
      queryClient.fetchQuery({ ...sessionQuery(api), staleTime: 0 }).then(
        () => veil(undefined),
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 401) location.assign(signInUrl(app));
          else veil(undefined);
        },
      );
    };
    addEventListener('pageshow', onPageShow);
    return () => removeEventListener('pageshow', onPageShow);
  }, [api, app, queryClient, veil]);
}

/**
 * Renders its children only for a signed-in user: without a session the browser goes to sign in (and comes back);
 * `render` decides what a user of the wrong role sees.
 */
export function SessionGate(props: { app: PortalApp; children: (user: Me) => ReactNode }) {
  const api = useApi();
  const csrf = useCsrfHolder();
  const queryClient = useQueryClient();
  const [veil, setVeil] = useState<Veil>();
  useRecheckOnRestore(props.app, setVeil);
  const session = useQuery({ ...sessionQuery(api), retry: (n, error) => n < 3 && !(error instanceof ApiError) });
  const ended = session.error instanceof ApiError && session.error.status === 401;
  useEffect(() => {
    if (ended) location.assign(signInUrl(props.app));
  }, [ended, props.app]);
  if (session.data) csrf.current = session.data.csrfToken;

  if (veil === 'signing-out') return <FullPageLoader label="Signing out" />;
  if (session.isPending || ended || veil === 'rechecking') return <FullPageLoader label="Signing in" />;
  if (session.isError) return <FullPageError error={session.error} onRetry={() => session.refetch()} />;
  const value: SessionValue = {
    user: session.data.user,
    app: props.app,
    expiresAt: session.data.expiresAt,
    signOut: () => signOut(api, props.app, queryClient, setVeil),
  };
  return <SessionContext.Provider value={value}>{props.children(session.data.user)}</SessionContext.Provider>;
}

/** The signed-in user (inside SessionGate). */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionGate');
  return value;
}
