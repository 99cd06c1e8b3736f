import { type Kysely, sql } from 'kysely';

// OrgBAC: the registration service's cache of the production Aidbox's organizations (Organization with its partOf),
// in PostgreSQL so that every API replica sees the same set. A refresh replaces the whole set in one transaction; the
// stored hierarchy is already cleaned up (a parent Aidbox does not list becomes top level, cycles are broken), so
// parent_id names a cached organization or nothing. The reference is checked at commit, which lets a refresh insert
// the rows in any order and in several statements.
// backend_services.organization_id deliberately has no foreign key to this table: an organization that disappears
// from Aidbox leaves the services bound to it untouched.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('organizations_parent_fk', ['parent_id'], 'organizations', ['id'], (fk) =>
      fk.deferrable().initiallyDeferred(),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('organizations').execute();
}
