// The scan for API tokens about to expire (issue 22: "an API token expiring within 7 days (to its owner)"): a recurring
// work of the notifier that tells each token's holder once, in-app and by e-mail unless they turned that kind off.
import type { Database } from '@payerbox/db';
import { API_TOKEN_EXPIRY_NOTICE_MS } from '@payerbox/domain';
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import { queueNotificationEmails } from './email-queue.ts';
import type { RecurringWork } from './recurring.ts';

/** The recurring job's name in the queue (and the key of its one waiting job). */
export const NOTIFY_EXPIRING_API_TOKENS = 'notify_expiring_api_tokens';

export interface ExpiryScanResult {
  /** Notices created by this run (tokens noticed by an earlier run, or another notifier, are not counted again). */
  readonly notified: number;
  readonly emailsQueued: number;
}

/**
 * One scan, in one transaction: a notice to its holder for every token that is not revoked, not yet expired and expires
 * within the notice window, then the e-mails of the notices created. Idempotent: the unique index on (token, person,
 * kind) makes a token noticed once however many runs or notifiers scan, and only the rows this run created get e-mails.
 *
 * Only tokens whose whole lifetime is longer than the window are noticed: a token made to live 3 days is inside the
 * window from its first moment, and its maker, who chose that lifetime minutes ago, needs no warning about it.
 */
export async function notifyExpiringApiTokens(
  db: Kysely<Database>,
  options: { readonly emailMaxAttempts: number },
): Promise<ExpiryScanResult> {
  const window = sql`make_interval(secs => ${API_TOKEN_EXPIRY_NOTICE_MS / 1000})`;
  return db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('notifications')
      .columns(['userId', 'apiTokenId', 'type', 'occurredAt'])
      .expression(
        trx
          .selectFrom('apiTokens')
          .select([
            'userId',
            'id',
            sql<'api_token.expiring'>`'api_token.expiring'`.as('type'),
            sql<Date>`now()`.as('occurredAt'),
          ])
          .where('revokedAt', 'is', null)
          .where('expiresAt', '>', sql<Date>`now()`)
          .where('expiresAt', '<=', sql<Date>`now() + ${window}`)
          .where(sql<boolean>`expires_at - created_at > ${window}`),
      )
      .onConflict((oc) => oc.columns(['apiTokenId', 'userId', 'type']).where('apiTokenId', 'is not', null).doNothing())
      .returning('id')
      .execute();
    const emailsQueued = await queueNotificationEmails(
      trx,
      created.map((row) => row.id),
      options.emailMaxAttempts,
    );
    return { notified: created.length, emailsQueued };
  });
}

/** The scan as the notifier's recurring work, every `everyMs`. */
export function apiTokenExpiryScan(
  db: Kysely<Database>,
  options: { readonly everyMs: number; readonly emailMaxAttempts: number; readonly logger: Logger },
): RecurringWork {
  return {
    name: NOTIFY_EXPIRING_API_TOKENS,
    everyMs: options.everyMs,
    async run() {
      const result = await notifyExpiringApiTokens(db, options);
      if (result.notified > 0) options.logger.info(result, 'expiring API tokens notified');
    },
  };
}
