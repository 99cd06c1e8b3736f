import type { ApiClient, components } from '@payerbox/api-client';
import { queryOptions } from '@tanstack/react-query';
import { unwrap } from '../api-error.ts';
import { cursorParam, keysetQueryOptions } from '../paged-query.ts';

export type Notification = components['schemas']['Notification'];
export type NotificationPreferences = components['schemas']['NotificationPreferences'];

/**
 * How often the header's unread count asks again while the window is in front (it also asks whenever the window
 * regains focus): a minute is soon enough for a decision that took a reviewer longer, and costs one small query.
 */
export const UNREAD_POLL_MS = 60_000;

const PAGE_SIZE = 20;

/** The query-options factories of the caller's notifications (the header's count, the list, the e-mail settings). */
export const notificationQueries = {
  all: ['notifications'] as const,
  /** The unread count, read from a one-item page (the list's answer carries it). */
  unread: (api: ApiClient) =>
    queryOptions({
      queryKey: [...notificationQueries.all, 'unread'] as const,
      queryFn: async () =>
        (await unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: 1 } } }))).unreadCount,
      refetchInterval: UNREAD_POLL_MS,
    }),
  list: (api: ApiClient) =>
    keysetQueryOptions([...notificationQueries.all, 'list'] as const, (cursor) =>
      unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: PAGE_SIZE, ...cursorParam(cursor) } } })),
    ),
  preferences: (api: ApiClient) =>
    queryOptions({
      queryKey: ['notification-preferences'] as const,
      queryFn: () => unwrap(api.GET('/api/v1/notification-preferences')),
    }),
};
