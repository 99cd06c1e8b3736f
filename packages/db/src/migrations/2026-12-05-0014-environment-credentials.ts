import { type Kysely, sql } from 'kysely';

// Credentials per environment (issue 21). The client_secret_* columns stay what they were and are now the sandbox
// secret; production gets a secret of its own on approval (sealed to `production:<id>`, see secretSealingContext in
// packages/domain), retrieved once by its owner, and rotated without an outage through a cutover: the next secret
// waits in next_production_secret_* until the switch (by the owner, the deadline or an emergency rotation), and the
// provisioner records when production's Client has it. production_jwks_uri is production's own key set URL (null:
// production uses jwks_uri).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('backend_services')
    .addColumn('production_jwks_uri', 'text')
    .addColumn('production_secret_ciphertext', 'bytea')
    .addColumn('production_secret_key_id', 'text')
    .addColumn('production_secret_issued_at', 'timestamptz')
    .addColumn('production_secret_retrieved_at', 'timestamptz')
    .addColumn('production_secret_shared', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('next_production_secret_ciphertext', 'bytea')
    .addColumn('next_production_secret_key_id', 'text')
    .addColumn('secret_cutover_started_at', 'timestamptz')
    .addColumn('secret_cutover_deadline', 'timestamptz')
    .addColumn('secret_cutover_switched_at', 'timestamptz')
    .addColumn('secret_cutover_switched_by', 'text', (col) =>
      col.check(sql`secret_cutover_switched_by in ('owner', 'deadline', 'emergency')`),
    )
    .addColumn('secret_cutover_applied_at', 'timestamptz')
    .execute();
  await sql`
    alter table backend_services add constraint backend_services_production_secret_matches_method
    check (auth_method = 'client_secret' or (production_secret_ciphertext is null
                                             and next_production_secret_ciphertext is null))`.execute(db);
  await sql`
    alter table backend_services add constraint backend_services_production_secret_has_key_id
    check ((production_secret_ciphertext is null) = (production_secret_key_id is null)
       and (next_production_secret_ciphertext is null) = (next_production_secret_key_id is null))`.execute(db);
  // A cutover waiting for its switch always has its next secret, and only then is there one.
  await sql`
    alter table backend_services add constraint backend_services_pending_cutover_has_next_secret
    check ((next_production_secret_ciphertext is not null)
           = (secret_cutover_started_at is not null and secret_cutover_switched_at is null))`.execute(db);
  // The provisioner's deadline pass looks for pending cutovers only: few rows, found by their deadline.
  await sql`
    create index backend_services_pending_cutover_idx on backend_services (secret_cutover_deadline)
    where secret_cutover_switched_at is null and secret_cutover_started_at is not null`.execute(db);
  // A service live before this migration shared one secret between its environments: production keeps it (sealed as
  // the sandbox secret was, so marked shared) and its owner already has it, so it counts as retrieved. Rotating the
  // production secret gives it one of its own.
  await sql`
    update backend_services
       set production_secret_ciphertext = client_secret_ciphertext,
           production_secret_key_id = client_secret_key_id,
           production_secret_issued_at = coalesce(client_secret_issued_at, date_trunc('milliseconds', now())),
           production_secret_retrieved_at = now(),
           production_secret_shared = true
     where status = 'active' and auth_method = 'client_secret' and client_secret_ciphertext is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index backend_services_pending_cutover_idx`.execute(db);
  for (const constraint of [
    'backend_services_pending_cutover_has_next_secret',
    'backend_services_production_secret_has_key_id',
    'backend_services_production_secret_matches_method',
  ]) {
    await db.schema.alterTable('backend_services').dropConstraint(constraint).execute();
  }
  await db.schema
    .alterTable('backend_services')
    .dropColumn('secret_cutover_applied_at')
    .dropColumn('secret_cutover_switched_by')
    .dropColumn('secret_cutover_switched_at')
    .dropColumn('secret_cutover_deadline')
    .dropColumn('secret_cutover_started_at')
    .dropColumn('next_production_secret_key_id')
    .dropColumn('next_production_secret_ciphertext')
    .dropColumn('production_secret_shared')
    .dropColumn('production_secret_retrieved_at')
    .dropColumn('production_secret_issued_at')
    .dropColumn('production_secret_key_id')
    .dropColumn('production_secret_ciphertext')
    .dropColumn('production_jwks_uri')
    .execute();
}
