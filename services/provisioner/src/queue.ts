import type { Database, EnvironmentColumn, ProvisioningState } from '@payerbox/db';
import { type Kysely, sql } from 'kysely';

/** A job a worker holds a lease on. */
export interface ClaimedJob {
  readonly id: string;
  readonly serviceId: string;
  readonly environment: EnvironmentColumn;
  readonly reason: string;
  /** Attempts including this one. */
  readonly attempts: number;
  /** The generation claimed; a change that re-arms the job while it runs bumps it. */
  readonly generation: number;
}

/** The reason of jobs the drift check queues (they verify before they write). */
export const DRIFT_CHECK = 'drift-check';

/**
 * Claims up to `limit` due jobs for `workerId` with a lease. SKIP LOCKED lets many workers claim side by side without
 * waiting on each other; the lease (locked_until) hands a job to another worker if its holder dies.
 */
export async function claimJobs(
  db: Kysely<Database>,
  workerId: string,
  limit: number,
  leaseMs: number,
): Promise<ClaimedJob[]> {
  const result = await sql<ClaimedJob>`
    update provisioning_jobs as j
       set locked_by = ${workerId},
           locked_until = now() + ${leaseMs} * interval '1 millisecond',
           attempts = j.attempts + 1
      from (select id from provisioning_jobs
             where run_at <= now() and (locked_until is null or locked_until < now())
             order by run_at
             limit ${limit}
             for update skip locked) as due
     where j.id = due.id
    returning j.id, j.service_id, j.environment, j.reason, j.attempts, j.generation`.execute(db);
  return result.rows;
}

/**
 * Finishes a job that converged: removes it and records the environment's state, unless a change re-armed it
 * meanwhile, in which case it is released to run again (and the environment stays pending).
 */
export async function completeJob(db: Kysely<Database>, job: ClaimedJob, state: ProvisioningState): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await removeIfCurrent(trx, job))) return false;
    const now = new Date();
    await trx
      .updateTable('serviceEnvironments')
      .set((eb) => ({
        state,
        lastError: null,
        updatedAt: now,
        verifiedAt: now,
        provisionedAt: state === 'ready' ? eb.fn.coalesce('provisionedAt', eb.val(now)) : eb.ref('provisionedAt'),
      }))
      .where('serviceId', '=', job.serviceId)
      .where('environment', '=', job.environment)
      .execute();
    return true;
  });
}

/**
 * Takes the service row's lock before touching its job or environment rows. Every API transaction locks the service
 * row first too, so the two sides always meet in the same order and cannot deadlock over the job and environment rows.
 */
async function lockServiceRow(db: Kysely<Database>, job: ClaimedJob): Promise<void> {
  await db.selectFrom('backendServices').select('id').where('id', '=', job.serviceId).forShare().execute();
}

/**
 * Removes a finished job if no change re-armed it since it was claimed; a re-armed job is released instead, to run
 * again at once. Answers whether this outcome is the current one (and may be recorded).
 */
async function removeIfCurrent(db: Kysely<Database>, job: ClaimedJob): Promise<boolean> {
  await lockServiceRow(db, job);
  const removed = await db
    .deleteFrom('provisioningJobs')
    .where('id', '=', job.id)
    .where('generation', '=', job.generation)
    .executeTakeFirst();
  if (removed.numDeletedRows > 0n) return true;
  await release(db, job);
  return false;
}

async function release(db: Kysely<Database>, job: ClaimedJob): Promise<void> {
  await db
    .updateTable('provisioningJobs')
    .set({ lockedBy: null, lockedUntil: null })
    .where('id', '=', job.id)
    .execute();
}

/** Puts a failed attempt back in the queue after `delayMs`, showing the error on the (still pending) environment. */
export async function retryJob(db: Kysely<Database>, job: ClaimedJob, error: string, delayMs: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockServiceRow(trx, job);
    const rescheduled = await trx
      .updateTable('provisioningJobs')
      .set({ lockedBy: null, lockedUntil: null, lastError: error, runAt: new Date(Date.now() + delayMs) })
      .where('id', '=', job.id)
      .where('generation', '=', job.generation)
      .executeTakeFirst();
    // A newer change re-armed the job: it runs again at once, with fresh attempts.
    if (rescheduled.numUpdatedRows === 0n) return release(trx, job);
    await trx
      .updateTable('serviceEnvironments')
      .set({ lastError: error, updatedAt: new Date() })
      .where('serviceId', '=', job.serviceId)
      .where('environment', '=', job.environment)
      .execute();
  });
}

/** Gives up after the last attempt: the environment shows `failed` with the error until an admin resyncs it. */
export async function failJob(db: Kysely<Database>, job: ClaimedJob, error: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await removeIfCurrent(trx, job))) return;
    await trx
      .updateTable('serviceEnvironments')
      .set({ state: 'failed', lastError: error, updatedAt: new Date() })
      .where('serviceId', '=', job.serviceId)
      .where('environment', '=', job.environment)
      .execute();
  });
}

/**
 * Queues drift checks for the environments verified longest ago (at most `limit`), so a resync pass over many
 * services is spread over time. Jobs already queued are left as they are.
 */
export async function queueDriftChecks(db: Kysely<Database>, olderThanMs: number, limit: number): Promise<number> {
  const result = await sql`
    insert into provisioning_jobs (service_id, environment, reason)
    select service_id, environment, ${DRIFT_CHECK}
      from service_environments
     where state in ('ready', 'disabled')
       and (verified_at is null or verified_at < now() - ${olderThanMs} * interval '1 millisecond')
     order by verified_at nulls first
     limit ${limit}
    on conflict (service_id, environment) do nothing`.execute(db);
  if (Number(result.numAffectedRows ?? 0n) > 0) await sql`select pg_notify('provisioning_jobs', 'drift')`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Jobs waiting and the age of the oldest due one (for logs and metrics). */
export async function queueDepth(db: Kysely<Database>): Promise<{ depth: number; oldestAgeMs: number }> {
  const row = await db
    .selectFrom('provisioningJobs')
    .select((eb) => [
      eb.fn.countAll<string>().as('depth'),
      sql<number>`coalesce(extract(epoch from now() - min(run_at)) * 1000, 0)`.as('oldestAgeMs'),
    ])
    .executeTakeFirstOrThrow();
  return { depth: Number(row.depth), oldestAgeMs: Math.max(0, Number(row.oldestAgeMs)) };
}

/** Jobs due now (claimable or in hand), and how long the oldest of them has been due, for the metrics. */
export async function dueJobs(db: Kysely<Database>): Promise<{ count: number; oldestAgeSeconds: number }> {
  const row = await db
    .selectFrom('provisioningJobs')
    .where('runAt', '<=', sql<Date>`now()`)
    .select((eb) => [
      eb.fn.countAll<string>().as('count'),
      sql<number>`coalesce(extract(epoch from now() - min(run_at)), 0)`.as('oldestAgeSeconds'),
    ])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestAgeSeconds: Math.max(0, Number(row.oldestAgeSeconds)) };
}
