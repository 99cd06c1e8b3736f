import { type Kysely, sql } from 'kysely';

// The admin review queue: services under review, the one waiting longest first, keyset-paginated on
// (submitted_at, id). A partial index holds only the queue, so it stays small however many services exist; the
// query repeats the predicate (status = 'under_review' and deleted_at is null) so that the planner can use it.
// The check makes the ordering key total: submit sets submitted_at and withdraw clears it, and a service under review
// without one would otherwise drop out of the keyset pages.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table backend_services add constraint backend_services_review_has_submitted_at
    check (status <> 'under_review' or submitted_at is not null)`.execute(db);
  await sql`
    create index backend_services_review_queue_idx on backend_services (submitted_at, id)
    where status = 'under_review' and deleted_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index backend_services_review_queue_idx`.execute(db);
  await sql`alter table backend_services drop constraint backend_services_review_has_submitted_at`.execute(db);
}
