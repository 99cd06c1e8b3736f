import { Button } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useApi } from '../api.tsx';
import { notificationQueries } from '../notifications/queries.ts';

/** What the bell says to a screen reader: where it goes and how many are unread. */
export function bellLabel(unread: number | undefined): string {
  if (unread === undefined) return 'Notifications';
  if (unread === 0) return 'Notifications, none unread';
  return `Notifications, ${unread} unread`;
}

function BellIcon() {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/**
 * The header's link to the notifications list with the unread count on it. The count refreshes when the window
 * regains focus and once a minute while it is in front (TanStack Query pauses the interval in a background tab).
 */
export function NotificationBell() {
  const api = useApi();
  const unread = useQuery(notificationQueries.unread(api)).data;
  // A Button like Sign out beside it (Mantine's Indicator and ActionIcon would add to the first screen's JavaScript);
  // its name says the count, so the number shown is for the eye.
  return (
    <Button
      component={Link}
      to="/notifications"
      variant={unread ? 'light' : 'default'}
      size="xs"
      px={8}
      leftSection={<BellIcon />}
      aria-label={bellLabel(unread)}
    >
      {unread ? (unread > 99 ? '99+' : unread) : null}
    </Button>
  );
}
