import type { Kysely } from 'kysely';

// A submission an admin returns for changes goes back to draft with the reviewer's reason, which the developer reads
// until they submit again (issue 21, "Ways forward from review and from Rejected"). Its own column, not the rejection
// reason: a returned draft is not rejected.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backend_services').addColumn('return_reason', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backend_services').dropColumn('return_reason').execute();
}
