import { type Kysely, sql } from 'kysely';

// Client secrets, kept only encrypted (AES-256-GCM, see @payerbox/secret-box): Aidbox stores them hashed, and the
// provisioner must be able to put the same secret into production on approval.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('backend_services')
    .addColumn('client_secret_ciphertext', 'bytea')
    .addColumn('client_secret_key_id', 'text')
    .addColumn('client_secret_issued_at', 'timestamptz')
    .execute();
  // Existing client-secret drafts predate secrets; they get one at their next edit or rotation.
  await sql`
    alter table backend_services add constraint backend_services_secret_matches_method
    check (auth_method = 'client_secret' or client_secret_ciphertext is null)`.execute(db);
  await sql`
    alter table backend_services add constraint backend_services_secret_has_key_id
    check ((client_secret_ciphertext is null) = (client_secret_key_id is null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backend_services').dropConstraint('backend_services_secret_has_key_id').execute();
  await db.schema.alterTable('backend_services').dropConstraint('backend_services_secret_matches_method').execute();
  await db.schema
    .alterTable('backend_services')
    .dropColumn('client_secret_issued_at')
    .dropColumn('client_secret_key_id')
    .dropColumn('client_secret_ciphertext')
    .execute();
}
