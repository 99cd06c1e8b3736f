import { type Kysely, sql } from 'kysely';

// The admin search (a case-insensitive substring of the name, the client id or the owner's e-mail) at any number of
// services: trigram indexes answer `ilike '%text%'` for text of three characters or more, so a term that matches a
// handful of rows fetches those rows instead of scanning the table. A term that matches most rows does not need them:
// walking backend_services_live_idx newest first finds a page after a few rows. The planner picks one or the other
// per column (listServices asks one question per column for that reason). pg_trgm is a trusted extension, so the
// database owner may create it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`
    create index backend_services_name_trgm_idx on backend_services using gin (name gin_trgm_ops)
    where deleted_at is null`.execute(db);
  await sql`
    create index backend_services_client_id_trgm_idx on backend_services using gin (client_id gin_trgm_ops)
    where deleted_at is null`.execute(db);
  await sql`create index users_email_trgm_idx on users using gin (email gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index users_email_trgm_idx`.execute(db);
  await sql`drop index backend_services_client_id_trgm_idx`.execute(db);
  await sql`drop index backend_services_name_trgm_idx`.execute(db);
  await sql`drop extension if exists pg_trgm`.execute(db);
}
