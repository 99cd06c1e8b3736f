import { type Kysely, sql } from 'kysely';

// Audit events said `active → active` for a secret rotation, as if it were a transition. From now on from_status and
// to_status are set only when an action changed the status (from_status null at creation, to_status null at
// deletion), and service_status holds the status the service is in after every event (null once deleted), so an
// action that keeps the status (edit, rotate_secret, resync) names it without reading as a move.
//
// The old rows are rewritten to the new encoding: the facts stay the same (an event with from = to becomes one with
// neither and that status in service_status), so the trail reads one way whatever its age. The append-only trigger is
// switched off for that only inside this migration's transaction (the Migrator runs migrations in one on PostgreSQL),
// so no other writer can slip a change in, and a failure leaves it on.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_events').addColumn('service_status', 'text').execute();
  await sql`alter table service_events disable trigger service_events_append_only`.execute(db);
  await sql`
    update service_events set
      service_status = to_status,
      from_status = case when from_status = to_status then null else from_status end,
      to_status = case when from_status = to_status then null else to_status end`.execute(db);
  await sql`alter table service_events enable trigger service_events_append_only`.execute(db);
  await db.schema
    .alterTable('service_events')
    .addCheckConstraint(
      'service_events_transition_changes_status',
      sql`from_status is null or to_status is null or from_status <> to_status`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_events').dropConstraint('service_events_transition_changes_status').execute();
  await sql`alter table service_events disable trigger service_events_append_only`.execute(db);
  await sql`
    update service_events set from_status = service_status, to_status = service_status
    where from_status is null and to_status is null`.execute(db);
  await sql`alter table service_events enable trigger service_events_append_only`.execute(db);
  await db.schema.alterTable('service_events').dropColumn('service_status').execute();
}
