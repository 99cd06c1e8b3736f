import { type Kysely, sql } from 'kysely';

// Migrations take Kysely<any> on purpose: they describe the schema as it was at the time, not as the
// application types describe it now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('developer', 'admin')`))
    // Set by the sign-in issue: the OpenID issuer and subject that identify the user.
    .addColumn('oidc_issuer', 'text')
    .addColumn('oidc_subject', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('users_oidc_identity_key', ['oidc_issuer', 'oidc_subject'])
    .execute();
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // SHA-256 of the whole token: tokens carry 256 random bits, so a fast hash is enough and lookups stay O(1).
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').columns(['user_id', 'id desc']).execute();

  await db.schema
    .createTable('backend_services')
    // UUIDv7: time-ordered, so the primary key alone serves keyset pagination in creation order.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('auth_method', 'text', (c) => c.notNull().check(sql`auth_method in ('jwks_uri', 'client_secret')`))
    .addColumn('jwks_uri', 'text')
    .addColumn('scope_version', 'text', (c) => c.notNull().check(sql`scope_version in ('v1', 'v2')`))
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('organization_id', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('draft', 'under_review', 'active', 'rejected')`),
    )
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('review_note', 'text')
    .addColumn('rejection_reason', 'text')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reviewed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Deleted drafts stay as tombstones: their audit trail survives and the provisioner can remove the client.
    .addColumn('deleted_at', 'timestamptz')
    .addCheckConstraint(
      'backend_services_jwks_uri_matches_method',
      sql`(auth_method = 'jwks_uri') = (jwks_uri is not null)`,
    )
    .execute();
  await sql`create index backend_services_owner_idx on backend_services (owner_id, id desc) where deleted_at is null`.execute(
    db,
  );
  await sql`create index backend_services_owner_status_idx on backend_services (owner_id, status, id desc) where deleted_at is null`.execute(
    db,
  );
  await sql`create index backend_services_status_idx on backend_services (status, id desc) where deleted_at is null`.execute(
    db,
  );
  await sql`create index backend_services_live_idx on backend_services (id desc) where deleted_at is null`.execute(db);

  await db.schema
    .createTable('service_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('service_id', 'uuid', (c) => c.notNull().references('backend_services.id'))
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('service_events_service_idx')
    .on('service_events')
    .columns(['service_id', 'id desc'])
    .execute();
  await db.schema
    .createIndex('service_events_actor_idx')
    .on('service_events')
    .columns(['actor_id', 'id desc'])
    .execute();
  // The audit trail is append-only: the database itself refuses to change or remove an event.
  await sql`
    create function service_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'service_events is append-only' using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger service_events_append_only before update or delete or truncate on service_events
    for each statement execute function service_events_append_only()`.execute(db);

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'bytea', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['user_id', 'operation', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();

  // Provisioning (filled by the provisioner): what each environment should look like and how far it got.
  await db.schema
    .createTable('service_environments')
    .addColumn('service_id', 'uuid', (c) => c.notNull().references('backend_services.id'))
    .addColumn('environment', 'text', (c) => c.notNull().check(sql`environment in ('sandbox', 'production')`))
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('pending', 'ready', 'failed', 'disabled', 'removed')`),
    )
    .addColumn('last_error', 'text')
    .addColumn('provisioned_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('service_environments_pkey', ['service_id', 'environment'])
    .execute();

  // The work queue: one row per (service, environment) that needs reconciling. Level-triggered: the worker reads
  // the service's current desired state, so several changes in a row collapse into one job.
  await db.schema
    .createTable('provisioning_jobs')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('service_id', 'uuid', (c) => c.notNull().references('backend_services.id'))
    .addColumn('environment', 'text', (c) => c.notNull().check(sql`environment in ('sandbox', 'production')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('provisioning_jobs_target_key', ['service_id', 'environment'])
    .execute();
  await db.schema.createIndex('provisioning_jobs_run_at_idx').on('provisioning_jobs').column('run_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'provisioning_jobs',
    'service_environments',
    'idempotency_keys',
    'service_events',
    'backend_services',
    'api_tokens',
    'users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists service_events_append_only()`.execute(db);
}
