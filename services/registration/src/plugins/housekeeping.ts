import type { Database } from '@payerbox/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Kysely, sql } from 'kysely';

const INTERVAL_MS = 10 * 60_000;

/**
 * Deletes what has outlived its use: ended sessions, idempotency keys past their 24 hours, abandoned sign-ins, ended
 * rate limit windows. Every replica may run it; the deletes are idempotent.
 */
export async function removeExpiredRows(db: Kysely<Database>, idleMinutes: number): Promise<number> {
  const results = await Promise.all([
    db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('expiresAt', '<=', sql<Date>`now()`),
          eb('lastSeenAt', '<=', sql<Date>`now() - ${idleMinutes} * interval '1 minute'`),
        ]),
      )
      .executeTakeFirst(),
    db.deleteFrom('idempotencyKeys').where('createdAt', '<', sql<Date>`now() - interval '24 hours'`).executeTakeFirst(),
    db.deleteFrom('loginRequests').where('createdAt', '<', sql<Date>`now() - interval '10 minutes'`).executeTakeFirst(),
    // An ended window's row would only be started afresh by its key's next hit.
    db.deleteFrom('rateLimitWindows').where('resetsAt', '<=', sql<Date>`now()`).executeTakeFirst(),
  ]);
  return results.reduce((sum, result) => sum + Number(result.numDeletedRows), 0);
}

export const housekeepingPlugin = fp(
  async (app: FastifyInstance) => {
    const timer = setInterval(() => {
      removeExpiredRows(app.db, app.config.session.idleMinutes).catch((error: unknown) =>
        app.log.warn({ err: error }, 'housekeeping failed; it runs again later'),
      );
    }, INTERVAL_MS);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'housekeeping', dependencies: ['database'] },
);
