import { type Kysely, sql } from 'kysely';

// Change requests of active services (issue 21): the owner proposes a configuration, an admin approves or rejects it.
// The service row stays the approved configuration (production runs it); the request keeps the whole proposed one in
// columns mirroring the service's, so that the sandbox can run it while the request is pending and approval can copy
// it onto the service. A proposed switch to client_secret carries its sandbox secret, sealed like the service's.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('change_requests')
    // UUIDv7, like the services: time-ordered.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('service_id', 'uuid', (c) => c.notNull().references('backend_services.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'withdrawn')`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('auth_method', 'text', (c) => c.notNull().check(sql`auth_method in ('jwks_uri', 'client_secret')`))
    .addColumn('jwks_uri', 'text')
    // Production's own key set URL (migration 0014 adds it to the services); null: production uses jwks_uri.
    .addColumn('production_jwks_uri', 'text')
    .addColumn('scope_version', 'text', (c) => c.notNull().check(sql`scope_version in ('v1', 'v2')`))
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('organization_id', 'text')
    // [{ field, from, to }], computed when the request is made: what the reviewer compares.
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('client_secret_ciphertext', 'bytea')
    .addColumn('client_secret_key_id', 'text')
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('reason', 'text')
    .addColumn('note', 'text')
    .addCheckConstraint(
      'change_requests_jwks_uri_matches_method',
      sql`(auth_method = 'jwks_uri') = (jwks_uri is not null)`,
    )
    .execute();
  // At most one pending request per service; the API answers 409 change_request_pending before this would refuse.
  await sql`create unique index change_requests_one_pending_idx on change_requests (service_id) where status = 'pending'`.execute(
    db,
  );
  // A service's requests, newest first.
  await sql`create index change_requests_service_idx on change_requests (service_id, id desc)`.execute(db);
  // The review queue's change requests, the one waiting longest first (keyset on created_at, id).
  await sql`create index change_requests_queue_idx on change_requests (created_at, id) where status = 'pending'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('change_requests').execute();
}
