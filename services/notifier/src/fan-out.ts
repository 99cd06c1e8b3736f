import type { Database } from '@payerbox/db';
import { assertNever, type NotificationAudience, notificationForEvent } from '@payerbox/domain';
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { SEND_NOTIFICATION_EMAIL } from './jobs.ts';

export interface FanOutResult {
  /** Notifications created now (none when the event notifies nobody, or when a retried job had created them). */
  readonly notified: number;
  /** E-mails queued now: those of the new notifications whose recipient has not turned that kind off. */
  readonly emailsQueued: number;
}

const NOTHING: FanOutResult = { notified: 0, emailsQueued: 0 };

/** The users an audience names: the service's owner, every administrator, or both. */
function audienceOf(
  eb: ExpressionBuilder<Database, 'users'>,
  audience: NotificationAudience,
  ownerId: string,
): Expression<SqlBool> {
  const owner = eb('id', '=', ownerId);
  const admins = eb('role', '=', 'admin');
  switch (audience) {
    case 'owner':
      return owner;
    case 'admins':
      return admins;
    case 'owner_and_admins':
      return eb.or([owner, admins]);
    default:
      return assertNever(audience);
  }
}

/**
 * Turns one audit event into its notifications, one per recipient, and queues the e-mails of those who want them, in
 * one transaction. Idempotent by event: a retry (the worker died after committing) finds the notifications made and
 * queues nothing again, so no e-mail is queued twice.
 */
export async function fanOutEvent(
  db: Kysely<Database>,
  eventId: string,
  options: { readonly emailMaxAttempts: number },
): Promise<FanOutResult> {
  const event = await db
    .selectFrom('serviceEvents')
    .innerJoin('backendServices', 'backendServices.id', 'serviceEvents.serviceId')
    .select(['serviceEvents.action', 'serviceEvents.serviceId', 'backendServices.ownerId'])
    .where('serviceEvents.id', '=', eventId)
    .executeTakeFirst();
  // An event the trigger queued is committed before its job can run; one that is not there was never committed.
  if (!event) return NOTHING;
  const rule = notificationForEvent(event.action);
  if (!rule) return NOTHING;
  return db.transaction().execute(async (trx) => {
    const recipients = trx.selectFrom('users').select('id');
    const created = await trx
      .insertInto('notifications')
      .columns(['userId', 'eventId', 'serviceId', 'type'])
      .expression(
        recipients
          .where((eb) => audienceOf(eb, rule.audience, event.ownerId))
          .select([
            sql<string>`cast(${eventId} as bigint)`.as('eventId'),
            sql<string>`cast(${event.serviceId} as uuid)`.as('serviceId'),
            sql<string>`${rule.type}`.as('type'),
          ]),
      )
      .onConflict((oc) => oc.columns(['eventId', 'userId']).doNothing())
      .returning(['id'])
      .execute();
    if (created.length === 0) return NOTHING;
    const queued = await sql<{ id: string }>`
      select graphile_worker.add_job(
        ${SEND_NOTIFICATION_EMAIL}, json_build_object('notificationId', n.id::text),
        max_attempts => ${options.emailMaxAttempts}::int
      ) as job
      from notifications n
      where n.id = any(${created.map((row) => row.id)}::bigint[])
        and not exists (
          select 1 from notification_preferences p
          where p.user_id = n.user_id and p.type = n.type and not p.email
        )`.execute(trx);
    return { notified: created.length, emailsQueued: queued.rows.length };
  });
}
