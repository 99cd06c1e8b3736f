import { AppLayout, NOTIFICATION_ROUTES, NotFoundPage, RouteError } from '@payerbox/web-kit';
import { createBrowserRouter, ScrollRestoration } from 'react-router';

const NAV = [
  { to: '/', label: 'Review queue' },
  { to: '/services', label: 'All services' },
  { to: '/audit-log', label: 'Audit log' },
  { to: '/organizations', label: 'Organizations' },
];

// Pages load on demand, so the first screen only downloads the frame and the page it shows.
export const router = createBrowserRouter(
  [
    {
      // A new page opens at its top; Back returns to where the previous one was scrolled.
      element: (
        <>
          <ScrollRestoration />
          <AppLayout productName="Payerbox Admin Portal" shortProductName="Admin Portal" nav={NAV} />
        </>
      ),
      errorElement: <RouteError />,
      children: [
        {
          index: true,
          lazy: async () => ({
            Component: (await import('../features/services/components/review-queue-page.tsx')).ReviewQueuePage,
          }),
        },
        {
          path: 'services',
          lazy: async () => ({
            Component: (await import('../features/services/components/services-page.tsx')).ServicesPage,
          }),
        },
        {
          path: 'services/:id',
          lazy: async () => ({
            Component: (await import('../features/review/components/review-page.tsx')).ReviewPage,
          }),
        },
        {
          path: 'services/:id/change-requests/:crId',
          lazy: async () => ({
            Component: (await import('../features/review/components/change-review-page.tsx')).ChangeReviewPage,
          }),
        },
        {
          path: 'audit-log',
          lazy: async () => ({
            Component: (await import('../features/audit-log/components/audit-log-page.tsx')).AuditLogPage,
          }),
        },
        {
          path: 'organizations',
          lazy: async () => ({
            Component: (await import('../features/organizations/components/organizations-page.tsx')).OrganizationsPage,
          }),
        },
        ...NOTIFICATION_ROUTES,
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: '/admin' },
);
