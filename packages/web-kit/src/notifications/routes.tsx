import type { RouteObject } from 'react-router';

/** The notification pages both SPAs mount at the same addresses; they load on demand, outside the first screen's code. */
export const NOTIFICATION_ROUTES: RouteObject[] = [
  {
    path: 'notifications',
    lazy: async () => ({ Component: (await import('./notifications-page.tsx')).NotificationsPage }),
  },
  {
    path: 'notification-settings',
    lazy: async () => ({ Component: (await import('./notification-settings-page.tsx')).NotificationSettingsPage }),
  },
];
