import type { Database } from '@payerbox/db';
import {
  describeNotification,
  isApiTokenNotificationType,
  NOTIFICATION_TYPES,
  type NotificationType,
  notificationReason,
} from '@payerbox/domain';
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { problems } from '../../errors.ts';
import { BIGINT_KEY, formatTimestampKey, type PageRequest, readTimestampPage, toPage } from '../../pagination.ts';
import {
  countUnread,
  listNotifications,
  markAllRead,
  markRead,
  type NotificationRecord,
  readEmailChoices,
  writeEmailChoices,
} from './repository.ts';
import type {
  NotificationListSchema,
  NotificationPreferencesSchema,
  NotificationSchema,
  UpdateNotificationPreferencesSchema,
} from './schemas.ts';

type NotificationView = Static<typeof NotificationSchema>;
type NotificationPreferences = Static<typeof NotificationPreferencesSchema>;

/** A token notice as the list shows it: its sentence names the token, and it links to the API tokens page. */
function apiTokenView(record: NotificationRecord): NotificationView['apiToken'] {
  if (record.apiTokenId === null || record.tokenName === null || record.tokenExpiresAt === null) return null;
  return { id: record.apiTokenId, name: record.tokenName, expiresAt: record.tokenExpiresAt.toISOString() };
}

/** The sentence of a notification, from what it is about (the CHECK makes each row about exactly one of them). */
function messageOf(record: NotificationRecord): string {
  if (isApiTokenNotificationType(record.type)) {
    return describeNotification({
      type: record.type,
      tokenName: record.tokenName ?? '',
      expiresAt: record.tokenExpiresAt ?? new Date(0),
    });
  }
  return describeNotification({ type: record.type, serviceName: record.serviceName ?? '' });
}

function toView(record: NotificationRecord): NotificationView {
  return {
    id: record.id,
    type: record.type,
    message: messageOf(record),
    serviceId: record.serviceId,
    serviceName: record.serviceName,
    apiToken: apiTokenView(record),
    reason: record.detail === null ? null : notificationReason(record.detail, record.type),
    createdAt: record.createdAt.toISOString(),
    readAt: record.readAt?.toISOString() ?? null,
  };
}

/** A page of the caller's notifications with their unread count. */
export async function listNotificationPage(
  db: Kysely<Database>,
  userId: string,
  query: PageRequest,
): Promise<Static<typeof NotificationListSchema>> {
  const window = readTimestampPage(query, BIGINT_KEY);
  const [rows, unreadCount] = await Promise.all([listNotifications(db, userId, window), countUnread(db, userId)]);
  const page = toPage(rows, window.limit, (row) => formatTimestampKey({ at: row.occurredKey, id: row.id }));
  return { items: page.items.map(toView), nextCursor: page.nextCursor, unreadCount };
}

export async function markNotificationRead(db: Kysely<Database>, userId: string, id: string): Promise<void> {
  if (!(await markRead(db, userId, id))) throw problems.notFound('The notification');
}

export async function markAllNotificationsRead(db: Kysely<Database>, userId: string): Promise<void> {
  await markAllRead(db, userId);
}

/** Every kind with the caller's e-mail choice (on unless they turned it off). */
export async function readNotificationPreferences(
  db: Kysely<Database>,
  userId: string,
): Promise<NotificationPreferences> {
  const stored = new Map((await readEmailChoices(db, userId)).map((row) => [row.type, row.email]));
  const email = Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, stored.get(type) ?? true]));
  return { email: email as NotificationPreferences['email'] };
}

/** Changes the kinds the request names and answers every kind's choice. */
export async function updateNotificationPreferences(
  db: Kysely<Database>,
  userId: string,
  update: Static<typeof UpdateNotificationPreferencesSchema>,
): Promise<NotificationPreferences> {
  const choices = NOTIFICATION_TYPES.flatMap((type: NotificationType) => {
    const email = update.email[type];
    return email === undefined ? [] : [{ type, email }];
  });
  await writeEmailChoices(db, userId, choices);
  return readNotificationPreferences(db, userId);
}
