import type { Kysely } from 'kysely';

// A job's generation grows every time a change re-arms it. A worker completes a job only if the generation it claimed
// is still current, so a change that lands while the worker talks to Aidbox is never lost.
// verified_at: when the provisioner last saw the environment match the database (the drift resync starts from the
// oldest).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('provisioning_jobs')
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('service_environments').addColumn('verified_at', 'timestamptz').execute();
  await db.schema
    .createIndex('service_environments_verified_idx')
    .on('service_environments')
    .columns(['verified_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_environments_verified_idx').execute();
  await db.schema.alterTable('service_environments').dropColumn('verified_at').execute();
  await db.schema.alterTable('provisioning_jobs').dropColumn('generation').execute();
}
