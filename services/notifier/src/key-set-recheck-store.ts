// The re-check's state in PostgreSQL (key_set_rechecks, migration 0026): which services take part, which are due, and
// the failure episodes. Several notifiers share the work: a due service is claimed under `for update skip locked` and
// moved to its next slot in the same statement's transaction, so no two notifiers check it in the same interval.
import type { Database } from '@payerbox/db';
import type { Environment, SystemEventAction } from '@payerbox/domain';
import { type Kysely, sql, type Transaction } from 'kysely';
import { nextSlotAfter } from './key-set-schedule.ts';

/** A claimed service's key set URLs, as its configuration stands when it is claimed. */
export interface DueKeySets {
  readonly serviceId: string;
  readonly jwksUri: string;
  readonly productionJwksUri: string | null;
}

/** The services whose key sets are re-checked: Active, signing with a key set (`jwks_uri`), not deleted. */
function takingPart(db: Kysely<Database> | Transaction<Database>) {
  return db
    .selectFrom('backendServices')
    .where('status', '=', 'active')
    .where('authMethod', '=', 'jwks_uri')
    .where('jwksUri', 'is not', null)
    .where('deletedAt', 'is', null);
}

/**
 * Gives every service that takes part and has no state yet its place in the schedule (its next slot), and forgets the
 * services that no longer take part (deactivated, retired, switched to a client secret): they are not checked, and one
 * that takes part again starts without an episode. Bounded per call, so a first run over many services spreads.
 */
export async function syncParticipants(
  db: Kysely<Database>,
  options: { readonly intervalMs: number; readonly limit: number; readonly now: Date },
): Promise<{ readonly enrolled: number; readonly dropped: number }> {
  const missing = await takingPart(db)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('keySetRechecks').whereRef('keySetRechecks.serviceId', '=', 'backendServices.id'))),
    )
    .select('id')
    .limit(options.limit)
    .execute();
  if (missing.length > 0) {
    await db
      .insertInto('keySetRechecks')
      .values(
        missing.map(({ id }) => ({ serviceId: id, nextCheckAt: nextSlotAfter(id, options.intervalMs, options.now) })),
      )
      .onConflict((oc) => oc.column('serviceId').doNothing())
      .execute();
  }
  const dropped = await db
    .deleteFrom('keySetRechecks')
    .where('serviceId', 'not in', takingPart(db).select('id'))
    .executeTakeFirst();
  return { enrolled: missing.length, dropped: Number(dropped.numDeletedRows) };
}

/**
 * Claims up to `limit` due services (another notifier's claims are skipped, not waited for) and moves each to its
 * next slot before the check runs: a notifier that dies mid-check leaves the service to its next slot.
 */
export async function claimDue(
  db: Kysely<Database>,
  options: { readonly intervalMs: number; readonly limit: number; readonly now: Date },
): Promise<DueKeySets[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('keySetRechecks')
      .innerJoin('backendServices', 'backendServices.id', 'keySetRechecks.serviceId')
      .where('keySetRechecks.nextCheckAt', '<=', options.now)
      .where('backendServices.status', '=', 'active')
      .where('backendServices.authMethod', '=', 'jwks_uri')
      .where('backendServices.deletedAt', 'is', null)
      .select(['keySetRechecks.serviceId', 'backendServices.jwksUri', 'backendServices.productionJwksUri'])
      .orderBy('keySetRechecks.nextCheckAt')
      .limit(options.limit)
      .forUpdate('keySetRechecks')
      .skipLocked()
      .execute();
    for (const { serviceId } of due) {
      await trx
        .updateTable('keySetRechecks')
        .set({ nextCheckAt: nextSlotAfter(serviceId, options.intervalMs, options.now) })
        .where('serviceId', '=', serviceId)
        .execute();
    }
    return due.flatMap(({ serviceId, jwksUri, productionJwksUri }) =>
      jwksUri === null ? [] : [{ serviceId, jwksUri, productionJwksUri }],
    );
  });
}

/** One re-check's outcome for a service: every URL passed, or the first that failed with its first finding. */
export type RecheckOutcome =
  | { readonly verdict: 'pass' }
  | {
      readonly verdict: 'fail';
      readonly jwksUri: string;
      /** The environments whose tokens that URL's keys sign. */
      readonly environments: readonly Environment[];
      /** The first finding of its report, as a sentence. */
      readonly finding: string;
    };

/** What recording an outcome did to the service's episode. */
export type EpisodeChange = 'started' | 'continued' | 'ended' | 'none';

/**
 * Records a check's outcome under the state row's lock. A failure where the last check passed (or none ran) starts an
 * episode: `failing_since` is set and the `jwks_check_failed` audit event written in the same transaction, so the
 * owner is told exactly once; further failures only update the state; a pass ends the episode. A service that stopped
 * taking part while it was being checked (its row is gone) records nothing.
 */
export async function recordOutcome(
  db: Kysely<Database>,
  serviceId: string,
  outcome: RecheckOutcome,
  now: Date = new Date(),
): Promise<EpisodeChange> {
  return db.transaction().execute(async (trx) => {
    const state = await trx
      .selectFrom('keySetRechecks')
      .select(['failingSince'])
      .where('serviceId', '=', serviceId)
      .forUpdate()
      .executeTakeFirst();
    if (!state) return 'none';
    const inEpisode = state.failingSince !== null;
    const checked = trx
      .updateTable('keySetRechecks')
      .where('serviceId', '=', serviceId)
      .set({ lastCheckedAt: now, lastVerdict: outcome.verdict });
    if (outcome.verdict === 'pass') {
      await checked.set({ failingSince: null, failingUrl: null, failingFinding: null }).execute();
      return inEpisode ? 'ended' : 'none';
    }
    if (inEpisode) {
      await checked.execute();
      return 'continued';
    }
    await checked.set({ failingSince: now, failingUrl: outcome.jwksUri, failingFinding: outcome.finding }).execute();
    await recordEpisodeEvent(trx, serviceId, outcome);
    return 'started';
  });
}

/**
 * The audit event that starts an episode (by the system: no actor). `error` carries the finding, which the
 * notification shows as what the check found (packages/domain notificationReason).
 */
async function recordEpisodeEvent(
  trx: Transaction<Database>,
  serviceId: string,
  outcome: Extract<RecheckOutcome, { verdict: 'fail' }>,
): Promise<void> {
  const action: SystemEventAction = 'jwks_check_failed';
  const detail = JSON.stringify({
    jwksUri: outcome.jwksUri,
    environments: outcome.environments,
    error: outcome.finding,
  });
  await sql`
    insert into service_events (service_id, actor_id, action, service_status, detail)
    select id, null, ${action}, status, cast(${detail} as jsonb)
      from backend_services
     where id = ${serviceId}`.execute(trx);
}
