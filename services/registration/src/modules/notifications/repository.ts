import type { Database } from '@payerbox/db';
import type { NotificationType } from '@payerbox/domain';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { TimestampKey } from '../../pagination.ts';

export interface NotificationRecord {
  readonly id: string;
  readonly type: NotificationType;
  /** The list's order and keyset with the id: when what it tells of happened, at full precision (UTC). */
  readonly occurredKey: string;
  /** Set for a notification about an audit event of a service (with its detail). */
  readonly serviceId: string | null;
  readonly serviceName: string | null;
  readonly detail: Record<string, unknown> | null;
  /** Set for a notification about one of the user's API tokens. */
  readonly apiTokenId: string | null;
  readonly tokenName: string | null;
  readonly tokenExpiresAt: Date | null;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/**
 * A page of the user's notifications, newest first by when it happened, then by id, after `after` (keyset on
 * notifications_user_idx). Each is about a service's audit event or one of the user's API tokens.
 */
export async function listNotifications(
  db: Kysely<Database>,
  userId: string,
  window: { readonly after?: TimestampKey; readonly limit: number },
): Promise<NotificationRecord[]> {
  let query = db
    .selectFrom('notifications')
    .leftJoin('backendServices', 'backendServices.id', 'notifications.serviceId')
    .leftJoin('serviceEvents', 'serviceEvents.id', 'notifications.eventId')
    .leftJoin('apiTokens', 'apiTokens.id', 'notifications.apiTokenId')
    .select([
      'notifications.id',
      'notifications.type',
      sql<string>`to_char(notifications.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'occurredKey',
      ),
      'notifications.serviceId',
      'backendServices.name as serviceName',
      'serviceEvents.detail',
      'notifications.apiTokenId',
      'apiTokens.name as tokenName',
      'apiTokens.expiresAt as tokenExpiresAt',
      'notifications.createdAt',
      'notifications.readAt',
    ])
    .where('notifications.userId', '=', userId);
  const after = window.after;
  if (after !== undefined) {
    query = query.where(
      sql<SqlBool>`(notifications.occurred_at, notifications.id) < (cast(${after.at} as timestamptz), cast(${after.id} as bigint))`,
    );
  }
  return query
    .orderBy('notifications.occurredAt', 'desc')
    .orderBy('notifications.id', 'desc')
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
