import { PortalProviders, SessionGate } from '@payerbox/web-kit';
import { RouterProvider } from 'react-router';
import { router } from './router.tsx';

export function App() {
  return (
    <PortalProviders app="developer">
      <SessionGate app="developer">{() => <RouterProvider router={router} />}</SessionGate>
    </PortalProviders>
  );
}
