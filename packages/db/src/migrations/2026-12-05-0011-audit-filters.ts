import { type Kysely, sql } from 'kysely';

// The admin audit log's filters at any number of events (GET /api/v1/admin/audit-events):
// - A date range, in the past, would otherwise walk the id index from the newest event back to the range, reading
//   every newer event. An index on created_at lets the planner fetch just the range's events when they are few and
//   sort them (the list orders by id, which follows created_at closely).
// - Part of a service's name covers deleted services too (their events stay in the trail), which the partial trigram
//   index of the admin search (0007, `where deleted_at is null`) cannot answer; without this one every service is
//   read. The client id needs no index here (its unique constraint answers equality), nor does part of the actor's
//   e-mail (users_email_trgm_idx of 0007 covers every user).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index service_events_created_at_idx on service_events (created_at)`.execute(db);
  await sql`
    create index backend_services_any_name_trgm_idx on backend_services using gin (name gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index backend_services_any_name_trgm_idx`.execute(db);
  await sql`drop index service_events_created_at_idx`.execute(db);
}
