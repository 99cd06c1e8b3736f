import type { Database, ProvisioningState } from '@payerbox/db';
import type { Kysely, Transaction } from 'kysely';
import { withServiceLocked } from './service-lock.ts';
import {
  claimDueJobs,
  deleteIfCurrent,
  type JobKey,
  type JobTarget,
  queueDriftChecks as queueDriftChecksStatement,
  recordAttemptError,
  recordConverged,
  recordFailed,
  recordFailureEvent,
  releaseLease,
  rescheduleIfCurrent,
  wakeWorkers,
} from './statements.ts';

/** A job a worker holds a lease on. */
export interface ClaimedJob extends JobTarget, JobKey {
  readonly reason: string;
  /** Attempts including this one. */
  readonly attempts: number;
  /** The generation claimed; a change that re-arms the job while it runs bumps it. */
  readonly generation: number;
}

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
  const result = await claimDueJobs({ workerId, limit, leaseMs }).execute(db);
  return result.rows;
}

/**
 * Removes a finished job if no change re-armed it since it was claimed and its lease was not taken over; a re-armed
 * job is released instead, to run again at once, and a job taken over is left to its new holder. Answers whether this
 * outcome is the current one (and may be recorded).
 */
async function removeIfCurrent(trx: Transaction<Database>, job: ClaimedJob): Promise<boolean> {
  const removed = await deleteIfCurrent(trx, job).executeTakeFirst();
  if (removed.numDeletedRows > 0n) return true;
  await releaseLease(trx, job).execute();
  return false;
}

/**
 * Finishes a job that converged: removes it and records the environment's state, unless a change re-armed it
 * meanwhile, in which case it is released to run again (and the environment stays pending). Answers whether the
 * outcome was recorded.
 */
export async function completeJob(db: Kysely<Database>, job: ClaimedJob, state: ProvisioningState): Promise<boolean> {
  return withServiceLocked(db, job.serviceId, async (trx) => {
    if (!(await removeIfCurrent(trx, job))) return false;
    await recordConverged(trx, job, state).execute();
    return true;
  });
}

/** Puts a failed attempt back in the queue after `delayMs`, showing the error on the (still pending) environment. */
export async function retryJob(db: Kysely<Database>, job: ClaimedJob, error: string, delayMs: number): Promise<void> {
  await withServiceLocked(db, job.serviceId, async (trx) => {
    const rescheduled = await rescheduleIfCurrent(trx, job, error, delayMs).executeTakeFirst();
    // A newer change re-armed the job (it runs again at once, with fresh attempts) or another worker took it over.
    if (rescheduled.numUpdatedRows === 0n) {
      await releaseLease(trx, job).execute();
      return;
    }
    await recordAttemptError(trx, job, error).execute();
  });
}

/**
 * Gives up after the last attempt: the environment shows `failed` with the error until an admin resyncs it, and the
 * failure's audit event (which notifies the owner and the administrators) is recorded in the same transaction.
 */
export async function failJob(db: Kysely<Database>, job: ClaimedJob, error: string): Promise<void> {
  await withServiceLocked(db, job.serviceId, async (trx) => {
    if (!(await removeIfCurrent(trx, job))) return;
    await recordFailed(trx, job, error).execute();
    await recordFailureEvent(job, error).execute(trx);
  });
}

/**
 * Queues drift checks for the environments verified longest ago (at most `limit`), so a resync pass over many
 * services is spread over time, and wakes the workers when it queued any. Jobs already queued are left as they are.
 */
export async function queueDriftChecks(db: Kysely<Database>, olderThanMs: number, limit: number): Promise<number> {
  const result = await queueDriftChecksStatement({ olderThanMs, limit }).execute(db);
  const queued = Number(result.numAffectedRows ?? 0n);
  if (queued > 0) await wakeWorkers('drift').execute(db);
  return queued;
}
