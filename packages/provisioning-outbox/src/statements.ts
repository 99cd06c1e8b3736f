// Every statement the outbox runs, each built by one function from its values. The functions that run them
// (requests.ts, jobs.ts, reads.ts) build nothing themselves, so that the committed snapshot (sql/queries.sql, written
// by sql-snapshot.ts) shows every statement there is and a change to one shows as a SQL diff in review.

import type { Database, EnvironmentColumn, ProvisioningState } from '@payerbox/db';
import type { SystemEventAction } from '@payerbox/domain';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { PROVISIONING_CHANNEL, type WakeHint } from './channel.ts';

/** The reason of jobs the drift check queues (they verify before they write). */
export const DRIFT_CHECK = 'drift-check';

/** Which job a worker holds: its row, the generation it claimed and the lease's holder. */
export interface JobKey {
  readonly id: string;
  readonly generation: number;
  /**
   * The worker the claim leased the job to. A worker whose lease lapsed and was taken over no longer holds the job:
   * what it reports afterwards must not touch the job its successor holds.
   */
  readonly lockedBy: string;
}

/** The environment a job provisions. */
export interface JobTarget {
  readonly serviceId: string;
  readonly environment: EnvironmentColumn;
}

/** A provisioning request as values a caller places in its own statement (see {@link provisioningRequestCtes}). */
export interface RequestValues {
  /** The environments to provision, as a text array. */
  readonly environments: readonly EnvironmentColumn[];
  /** Why: the change's audit action. */
  readonly reason: string;
}

/**
 * The CTEs `requested` (each environment marked pending, returning `environment, state, last_error, updated_at`) and
 * `job` (its job queued) for the service whose id `serviceId` yields. A job row is unique per (service, environment):
 * for an existing service a request re-arms the job that is there, with a new generation, fresh attempts and due now,
 * so a burst of changes leaves one job that converges to the latest state. A service inserted by the same statement has
 * neither rows nor conflicts, so its inserts skip the conflict checks.
 */
export function provisioningRequestCtes(
  serviceId: RawBuilder<string>,
  values: RequestValues,
  service: 'new' | 'existing',
): RawBuilder<unknown> {
  const environments = sql`unnest(cast(${values.environments} as text[])) as environment`;
  const rearmEnvironment = sql`on conflict (service_id, environment)
      do update set state = 'pending', last_error = null, updated_at = now()`;
  const rearmJob = sql`on conflict (service_id, environment)
      do update set reason = excluded.reason, run_at = now(), attempts = 0, last_error = null,
                    generation = provisioning_jobs.generation + 1`;
  const existing = service === 'existing';
  return sql`requested as (
      insert into service_environments (service_id, environment, state)
      select ${serviceId}, environment, 'pending' from ${environments}
      ${existing ? rearmEnvironment : sql``}
      returning environment, state, last_error, updated_at
    ), job as (
      insert into provisioning_jobs (service_id, environment, reason)
      select ${serviceId}, environment, ${values.reason} from ${environments}
      ${existing ? rearmJob : sql``}
    )`;
}

/** Wakes the workers listening on {@link PROVISIONING_CHANNEL}. */
export function wakeWorkers(hint: WakeHint) {
  return sql`select pg_notify(${sql.lit(PROVISIONING_CHANNEL)}, ${sql.lit(hint)})`;
}

/** Due jobs, oldest first, leased to `workerId` with their attempt counted; SKIP LOCKED lets workers claim side by side. */
export function claimDueJobs(values: { readonly workerId: string; readonly limit: number; readonly leaseMs: number }) {
  return sql<JobTarget & JobKey & { readonly reason: string; readonly attempts: number }>`
    update provisioning_jobs as j
       set locked_by = ${values.workerId},
           locked_until = now() + ${values.leaseMs} * interval '1 millisecond',
           attempts = j.attempts + 1
      from (select id from provisioning_jobs
             where run_at <= now() and (locked_until is null or locked_until < now())
             order by run_at
             limit ${values.limit}
             for update skip locked) as due
     where j.id = due.id
    returning j.id, j.service_id, j.environment, j.reason, j.attempts, j.generation, j.locked_by`;
}

/** The service row's shared lock, taken before a worker touches its job or environment rows (see service-lock.ts). */
export function lockServiceRowShared(db: Kysely<Database>, serviceId: string) {
  return db.selectFrom('backendServices').select('id').where('id', '=', serviceId).forShare();
}

/** Deletes the job if it is still the generation claimed and still leased to its claimer. */
export function deleteIfCurrent(db: Kysely<Database>, job: JobKey) {
  return db
    .deleteFrom('provisioningJobs')
    .where('id', '=', job.id)
    .where('generation', '=', job.generation)
    .where('lockedBy', '=', job.lockedBy);
}

/** Gives up the lease, if the claimer still holds it: the job is due again at once. */
export function releaseLease(db: Kysely<Database>, job: JobKey) {
  return db
    .updateTable('provisioningJobs')
    .set({ lockedBy: null, lockedUntil: null })
    .where('id', '=', job.id)
    .where('lockedBy', '=', job.lockedBy);
}

/** Puts the job back in the queue after `delayMs` with its error, if it is still the generation and lease claimed. */
export function rescheduleIfCurrent(db: Kysely<Database>, job: JobKey, error: string, delayMs: number) {
  return db
    .updateTable('provisioningJobs')
    .set({ lockedBy: null, lockedUntil: null, lastError: error, runAt: new Date(Date.now() + delayMs) })
    .where('id', '=', job.id)
    .where('generation', '=', job.generation)
    .where('lockedBy', '=', job.lockedBy);
}

function environmentOf(db: Kysely<Database>, target: JobTarget) {
  return db
    .updateTable('serviceEnvironments')
    .where('serviceId', '=', target.serviceId)
    .where('environment', '=', target.environment);
}

/** Records a converged environment: its state, verified now, and provisioned now if it became ready the first time. */
export function recordConverged(db: Kysely<Database>, target: JobTarget, state: ProvisioningState) {
  const now = new Date();
  return environmentOf(db, target).set((eb) => ({
    state,
    lastError: null,
    updatedAt: now,
    verifiedAt: now,
    provisionedAt: state === 'ready' ? eb.fn.coalesce('provisionedAt', eb.val(now)) : eb.ref('provisionedAt'),
  }));
}

/** Shows a failed attempt's error on the (still pending) environment. */
export function recordAttemptError(db: Kysely<Database>, target: JobTarget, error: string) {
  return environmentOf(db, target).set({ lastError: error, updatedAt: new Date() });
}

/** Marks the environment failed with the last error. */
export function recordFailed(db: Kysely<Database>, target: JobTarget, error: string) {
  return environmentOf(db, target).set({ state: 'failed', lastError: error, updatedAt: new Date() });
}

/**
 * The audit event of a failure after the last attempt (`provisioning_failed`, by the system: no actor), which the audit
 * trail's trigger turns into notifications for the owner and the administrators (packages/domain).
 */
export function recordFailureEvent(target: JobTarget, error: string) {
  const action: SystemEventAction = 'provisioning_failed';
  const detail = JSON.stringify({ environment: target.environment, error });
  return sql`
    insert into service_events (service_id, actor_id, action, service_status, detail)
    select id, null, ${action}, status, cast(${detail} as jsonb)
      from backend_services
     where id = ${target.serviceId}`;
}

/** Drift checks for the environments verified longest ago; jobs already queued are left as they are. */
export function queueDriftChecks(values: { readonly olderThanMs: number; readonly limit: number }) {
  return sql`
    insert into provisioning_jobs (service_id, environment, reason)
    select service_id, environment, ${DRIFT_CHECK}
      from service_environments
     where state in ('ready', 'disabled')
       and (verified_at is null or verified_at < now() - ${values.olderThanMs} * interval '1 millisecond')
     order by verified_at nulls first
     limit ${values.limit}
    on conflict (service_id, environment) do nothing`;
}

/** Every job, and the age of the oldest by `run_at` in milliseconds. */
export function depthAndOldestAge(db: Kysely<Database>) {
  return db
    .selectFrom('provisioningJobs')
    .select((eb) => [
      eb.fn.countAll<string>().as('depth'),
      sql<number>`coalesce(extract(epoch from now() - min(run_at)) * 1000, 0)`.as('oldestAgeMs'),
    ]);
}

/** Jobs due now (claimable or in hand), and how long the oldest has been due in seconds. */
export function dueCountAndOldestAge(db: Kysely<Database>) {
  return db
    .selectFrom('provisioningJobs')
    .where('runAt', '<=', sql<Date>`now()`)
    .select((eb) => [
      eb.fn.countAll<string>().as('count'),
      sql<number>`coalesce(extract(epoch from now() - min(run_at)), 0)`.as('oldestAgeSeconds'),
    ]);
}
