import type { Database } from '@payerbox/db';
import type { NotificationType } from '@payerbox/domain';
import type { Kysely } from 'kysely';

export interface NotificationRecord {
  readonly id: string;
  /** The list's order and keyset: when it happened (one notification per event and person). */
  readonly eventId: string;
  readonly type: NotificationType;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly detail: Record<string, unknown>;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/**
 * A page of the user's notifications, newest event first, after the event id `before` (keyset on
 * notifications_user_idx).
 */
export async function listNotifications(
  db: Kysely<Database>,
  userId: string,
  window: { readonly before?: string; readonly limit: number },
): Promise<NotificationRecord[]> {
  let query = db
    .selectFrom('notifications')
    .innerJoin('backendServices', 'backendServices.id', 'notifications.serviceId')
    .innerJoin('serviceEvents', 'serviceEvents.id', 'notifications.eventId')
    .select([
      'notifications.id',
      'notifications.eventId',
      'notifications.type',
      'notifications.serviceId',
      'backendServices.name as serviceName',
      'serviceEvents.detail',
      'notifications.createdAt',
      'notifications.readAt',
    ])
    .where('notifications.userId', '=', userId);
  if (window.before !== undefined) query = query.where('notifications.eventId', '<', window.before);
  return query
    .orderBy('notifications.eventId', 'desc')
    .limit(window.limit + 1)
    .execute();
}

/** How many of the user's notifications are unread (notifications_unread_idx). */
export async function countUnread(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('userId', '=', userId)
    .where('readAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Marks one of the user's notifications read (keeping the first time); false when the user has no such one. */
export async function markRead(db: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .updateTable('notifications')
    .set((eb) => ({ readAt: eb.fn.coalesce('readAt', eb.fn<Date>('now', [])) }))
    .where('id', '=', id)
    .where('userId', '=', userId)
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** Marks every unread notification of the user read. */
export async function markAllRead(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ readAt: new Date() })
    .where('userId', '=', userId)
    .where('readAt', 'is', null)
    .execute();
}

/** The kinds the user turned e-mail off (or back on) for; a kind with no row is on. */
export async function readEmailChoices(
  db: Kysely<Database>,
  userId: string,
): Promise<{ type: NotificationType; email: boolean }[]> {
  return db.selectFrom('notificationPreferences').select(['type', 'email']).where('userId', '=', userId).execute();
}

/** Stores the user's choices for the kinds given, in one statement. */
export async function writeEmailChoices(
  db: Kysely<Database>,
  userId: string,
  choices: readonly { readonly type: NotificationType; readonly email: boolean }[],
): Promise<void> {
  if (choices.length === 0) return;
  await db
    .insertInto('notificationPreferences')
    .values(choices.map((choice) => ({ userId, type: choice.type, email: choice.email })))
    .onConflict((oc) =>
      oc.columns(['userId', 'type']).doUpdateSet((eb) => ({ email: eb.ref('excluded.email'), updatedAt: new Date() })),
    )
    .execute();
}
