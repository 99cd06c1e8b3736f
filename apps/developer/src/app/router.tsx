import { AppLayout, NOTIFICATION_ROUTES, NotFoundPage, RouteError } from '@payerbox/web-kit';
import { createBrowserRouter, ScrollRestoration } from 'react-router';

const NAV = [
  { to: '/', label: 'Backend Services', also: ['/services'] },
  { to: '/api-tokens', label: 'API tokens' },
  { to: '/webhooks', label: 'Webhooks' },
];

// Pages load on demand, so the first screen only downloads the frame and the page it shows.
export const router = createBrowserRouter([
  {
    // A new page opens at its top (the service page after Create, not where the form's button was); Back returns to
    // where the previous one was scrolled.
    element: (
      <>
        <ScrollRestoration />
        <AppLayout productName="Payerbox Developer Portal" shortProductName="Developer Portal" nav={NAV} />
      </>
    ),
    errorElement: <RouteError />,
    children: [
      {
        index: true,
        lazy: async () => ({
          Component: (await import('../features/backend-services/components/dashboard-page.tsx')).DashboardPage,
        }),
      },
      {
        path: 'services/new',
        lazy: async () => ({
          Component: (await import('../features/backend-services/components/register-page.tsx')).RegisterPage,
        }),
      },
      {
        path: 'services/:id',
        lazy: async () => ({
          Component: (await import('../features/backend-services/components/service-page.tsx')).ServicePage,
        }),
      },
      {
        path: 'services/:id/edit',
        lazy: async () => ({
          Component: (await import('../features/backend-services/components/edit-page.tsx')).EditPage,
        }),
      },
      {
        path: 'services/:id/propose',
        lazy: async () => ({
          Component: (await import('../features/backend-services/components/propose-change-page.tsx'))
            .ProposeChangePage,
        }),
      },
      {
        path: 'api-tokens',
        lazy: async () => ({
          Component: (await import('../features/api-tokens/components/api-tokens-page.tsx')).ApiTokensPage,
        }),
      },
      ...NOTIFICATION_ROUTES,
      {
        path: 'webhooks',
        lazy: async () => ({
          Component: (await import('../features/webhooks/components/webhooks-page.tsx')).WebhooksPage,
        }),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
