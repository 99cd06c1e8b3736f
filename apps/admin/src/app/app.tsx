import { PortalProviders, SessionGate } from '@payerbox/web-kit';
import { RouterProvider } from 'react-router';
import { NotAuthorizedPage } from './not-authorized-page.tsx';
import { router } from './router.tsx';

export function App() {
  return (
    <PortalProviders app="admin">
      <SessionGate app="admin">
        {(user) => (user.role === 'admin' ? <RouterProvider router={router} /> : <NotAuthorizedPage />)}
      </SessionGate>
    </PortalProviders>
  );
}
