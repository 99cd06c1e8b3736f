import { type Kysely, sql } from 'kysely';

// Fixed-window request counters of the registration service's rate limits, shared by every replica: one row per
// limit and caller (`key`), counting the hits of the window that ends at `resets_at`; the next hit after that starts a
// new window in the same row. UNLOGGED: counters that last a minute need no crash safety or replication, and skipping
// the write-ahead log keeps the statement each limited request adds cheap. A crash or a failover empties the table,
// which only forgives the callers of that minute.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_windows')
    .modifyFront(sql`unlogged`)
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('resets_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_windows').execute();
}
