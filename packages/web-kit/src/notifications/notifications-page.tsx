import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notificationReasonLabel } from '@payerbox/domain';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useApi } from '../api.tsx';
import { unwrap } from '../api-error.ts';
import { ErrorAlert, FullPageLoader } from '../components/page-states.tsx';
import { formatDateTime } from '../format.ts';
import { type PortalApp, useSession } from '../session.tsx';
import { type Notification, notificationQueries } from './queries.ts';

function useMarkRead() {
  const api = useApi();
  const queryClient = useQueryClient();
  const settle = () => queryClient.invalidateQueries({ queryKey: notificationQueries.all });
  return {
    one: useMutation({
      mutationFn: (id: string) => unwrap(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
      onSettled: settle,
    }),
    all: useMutation({
      mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all')),
      onSettled: settle,
    }),
  };
}

/**
 * Where a notification leads: its service's page in this portal, or for a token notice the API tokens page, which only
 * the developer portal has (an administrator's tokens are managed there too, so the admin portal links across).
 */
function notificationTarget(notification: Notification, app: PortalApp): { to: string } | { href: string } {
  if (notification.apiToken) return app === 'developer' ? { to: '/api-tokens' } : { href: '/api-tokens' };
  return { to: `/services/${notification.serviceId}` };
}

/** One notification: what happened to which service or token, the reviewer's words; opening it marks it read. */
function NotificationItem(props: { notification: Notification; onOpen: () => Promise<unknown> }) {
  const { notification } = props;
  const { app } = useSession();
  const unread = notification.readAt === null;
  const target = notificationTarget(notification, app);
  return (
    <Card
      withBorder
      padding="sm"
      component="li" // A bar at the start marks the unread ones; a tinted card would lower the link's contrast below 4.5:1.
      style={unread ? { borderInlineStart: '4px solid var(--mantine-primary-color-filled)' } : undefined}
    >
      <Stack gap={4}>
        <Group justify="space-between" gap="xs" wrap="wrap">
          {'to' in target ? (
            <Anchor component={Link} to={target.to} fw={unread ? 700 : 500} onClick={props.onOpen}>
              {notification.message}
            </Anchor>
          ) : (
            <Anchor
              href={target.href}
              fw={unread ? 700 : 500}
              onClick={(event) => {
                // Leaving this portal would cancel the mark-read request: a plain click waits for it, then goes.
                if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
                  void props.onOpen();
                  return;
                }
                event.preventDefault();
                void props.onOpen().finally(() => location.assign(target.href));
              }}
            >
              {notification.message}
            </Anchor>
          )}
          <Text size="xs" c="dimmed">
            {unread ? 'Unread · ' : ''}
            {formatDateTime(notification.createdAt)}
          </Text>
        </Group>
        {notification.reason && (
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {notificationReasonLabel(notification.type)}: {notification.reason}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

/**
 * The caller's notifications, newest first and paged, each linking to its service's page (opening one marks it read),
 * with Mark all read and a way to the e-mail settings.
 */
export function NotificationsPage() {
  const api = useApi();
  const list = useInfiniteQuery(notificationQueries.list(api));
  const markRead = useMarkRead();
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const unread = list.data?.pages[0]?.unreadCount ?? 0;
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>Notifications</Title>
        <Group gap="sm">
          <Button variant="default" component={Link} to="/notification-settings">
            E-mail settings
          </Button>
          <Button onClick={() => markRead.all.mutate()} loading={markRead.all.isPending} disabled={unread === 0}>
            Mark all read
          </Button>
        </Group>
      </Group>
      {markRead.all.isError && <ErrorAlert error={markRead.all.error} title="Could not mark them read" />}
      {list.isPending ? (
        <FullPageLoader label="Loading your notifications" />
      ) : list.isError && items.length === 0 ? (
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load your notifications" />
      ) : items.length === 0 ? (
        <Text c="dimmed">
          No notifications yet. Decisions about services, API tokens about to expire and other events will show up here.
        </Text>
      ) : (
        <>
          <Text size="sm" role="status">
            {unread === 0 ? 'All read.' : `${unread} unread.`}
          </Text>
          <Stack component="ul" gap="xs" p={0} m={0} aria-label="Your notifications" style={{ listStyle: 'none' }}>
            {items.map((notification) => (
              <NotificationItem
                key={notification.id}
                notification={notification}
                onOpen={async () => {
                  if (notification.readAt === null) await markRead.one.mutateAsync(notification.id).catch(() => {});
                }}
              />
            ))}
          </Stack>
          {list.isFetchNextPageError && <ErrorAlert error={list.error} onRetry={() => list.fetchNextPage()} />}
          {list.hasNextPage && (
            <Group>
              <Button variant="default" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                Load more
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
