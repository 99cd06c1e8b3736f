import { type HomeLink, HomeLinkProvider, PortalProviders, SessionGate } from '@payerbox/web-kit';
import { RouterProvider } from 'react-router';
import { NotAuthorizedPage } from './not-authorized-page.tsx';
import { router } from './router.tsx';

/** The admin portal has no dashboard: its first page, the review queue, is where a lost reviewer starts again. */
const HOME: HomeLink = { to: '/', label: 'Go to the review queue' };

export function App() {
  return (
    <PortalProviders app="admin">
      <SessionGate app="admin">
        {(user) =>
          user.role === 'admin' ? (
            <HomeLinkProvider value={HOME}>
              <RouterProvider router={router} />
            </HomeLinkProvider>
          ) : (
            <NotAuthorizedPage />
          )
        }
      </SessionGate>
    </PortalProviders>
  );
}
