import { type Kysely, sql } from 'kysely';

// DDL the notification migrations share: each new kind of notification widens the kinds' CHECK constraints, and each
// new notifying action the audit trail's trigger. Every migration passes its complete lists (its own snapshot), so what
// one migration did never changes when a later one is written.

/** Sets the kinds the notifications and the e-mail preferences allow (a SQL list of quoted kinds). */
export async function setNotificationTypes(db: Kysely<any>, types: string): Promise<void> {
  for (const table of ['notifications', 'notification_preferences']) {
    await sql
      .raw(
        `alter table ${table} drop constraint ${table}_type_check,
         add constraint ${table}_type_check check (type in (${types}))`,
      )
      .execute(db);
  }
}

/** Sets the audit event actions whose insert queues a notification job (a SQL list of quoted actions). */
export async function setNotifyingActions(db: Kysely<any>, actions: string): Promise<void> {
  await sql`drop trigger service_events_enqueue_notification on service_events`.execute(db);
  await sql
    .raw(
      `create trigger service_events_enqueue_notification after insert on service_events
       for each row when (new.action in (${actions}))
       execute function service_events_enqueue_notification()`,
    )
    .execute(db);
}
