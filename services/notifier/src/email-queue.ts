import type { Database } from '@payerbox/db';
import { sql, type Transaction } from 'kysely';
import { SEND_NOTIFICATION_EMAIL } from './jobs.ts';

/**
 * Queues the e-mail of each new notification whose recipient has not turned that kind off, in the transaction that
 * created the notifications (so an e-mail is queued once, with its notification); answers how many were queued.
 */
export async function queueNotificationEmails(
  trx: Transaction<Database>,
  notificationIds: readonly string[],
  emailMaxAttempts: number,
): Promise<number> {
  if (notificationIds.length === 0) return 0;
  const queued = await sql<{ job: unknown }>`
    select graphile_worker.add_job(
      ${SEND_NOTIFICATION_EMAIL}, json_build_object('notificationId', n.id::text),
      max_attempts => ${emailMaxAttempts}::int
    ) as job
    from notifications n
    where n.id = any(${notificationIds}::bigint[])
      and not exists (
        select 1 from notification_preferences p
        where p.user_id = n.user_id and p.type = n.type and not p.email
      )`.execute(trx);
  return queued.rows.length;
}
