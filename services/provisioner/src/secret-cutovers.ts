// The provisioner's side of a production secret cutover (packages/domain production-secret.ts): it switches a cutover
// whose deadline passed without its owner's confirmation, and records a cutover applied once production's Client has
// the new secret. Both are audited as events without an actor.
import { type Database, switchedCutoverColumns } from '@payerbox/db';
import type { SecretCutoverEvent } from '@payerbox/domain';
import { lockServiceForChange, provisioningRequestCtes, wakeProvisioner } from '@payerbox/provisioning-outbox';
import { type Kysely, sql } from 'kysely';

const due = sql<boolean>`secret_cutover_deadline <= now()`;

/**
 * Records the cutover applied when production's Client got the production secret issued at `issuedAt`, and only
 * then: a reconcile that read the secret before a switch wrote the old one, and must not say the new one is there.
 */
export async function recordCutoverApplied(db: Kysely<Database>, serviceId: string, issuedAt: Date): Promise<void> {
  const action: SecretCutoverEvent = 'secret_cutover_applied';
  await sql`
    with applied as (
      update backend_services set secret_cutover_applied_at = now()
       where id = ${serviceId} and production_secret_issued_at = ${issuedAt}
         and secret_cutover_switched_at is not null and secret_cutover_applied_at is null
      returning id, status, secret_cutover_switched_by
    )
    insert into service_events (service_id, actor_id, action, from_status, to_status, service_status, detail)
    select id, null, ${action}, null, null, status, jsonb_build_object('switchedBy', secret_cutover_switched_by)
      from applied`.execute(db);
}

/** Switches one due cutover under the service row's lock, with its event and production's job; false if not due. */
async function switchAtDeadline(db: Kysely<Database>, serviceId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Checked again under the lock: the owner may have confirmed, rotated again or retired it meanwhile.
    const locked = await lockServiceForChange(
      trx
        .selectFrom('backendServices')
        .select([
          'id',
          'status',
          'nextProductionSecretCiphertext',
          'nextProductionSecretKeyId',
          'secretCutoverStartedAt',
        ])
        .where('id', '=', serviceId)
        .where('deletedAt', 'is', null)
        .where('status', '=', 'active')
        .where('secretCutoverSwitchedAt', 'is', null)
        .where('secretCutoverStartedAt', 'is not', null)
        .where(due),
    );
    if (!locked) return false;
    const now = new Date();
    await trx
      .updateTable('backendServices')
      .set((eb) => ({
        ...switchedCutoverColumns(locked, 'deadline', now),
        version: eb('version', '+', 1),
        updatedAt: now,
      }))
      .where('id', '=', serviceId)
      .execute();
    const action: SecretCutoverEvent = 'secret_cutover_due';
    const id = sql<string>`cast(${serviceId} as uuid)`;
    await sql`
      with event as (
        insert into service_events (service_id, actor_id, action, from_status, to_status, service_status, detail)
        values (${id}, null, ${action}, null, null, 'active', jsonb_build_object('switchedBy', 'deadline'))
      ), ${provisioningRequestCtes(id, { environments: ['production'], reason: action }, 'existing')}
      select 1`.execute(trx);
    return true;
  });
}

/**
 * Switches the cutovers whose deadline passed (at most `limit`, the longest overdue first) and wakes the workers to
 * apply them; answers how many it switched.
 */
export async function switchDueCutovers(db: Kysely<Database>, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('backendServices')
    .select('id')
    // The partial index backend_services_pending_cutover_idx holds exactly these rows.
    .where('secretCutoverSwitchedAt', 'is', null)
    .where('secretCutoverStartedAt', 'is not', null)
    .where(due)
    .orderBy('secretCutoverDeadline')
    .limit(limit)
    .execute();
  let switched = 0;
  for (const { id } of rows) if (await switchAtDeadline(db, id)) switched++;
  if (switched > 0) await wakeProvisioner(db);
  return switched;
}
