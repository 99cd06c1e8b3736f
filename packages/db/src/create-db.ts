import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { namingPool } from './prepared-statements.ts';
import type { Database } from './schema.ts';

export interface DbConfig {
  readonly databaseUrl: string;
  /** Pool size per process. */
  readonly poolSize?: number;
  /** Statement timeout in milliseconds, so that no request can hold a connection forever. */
  readonly statementTimeoutMs?: number;
  /**
   * Runs the texts registered with `prepareStatement` as named prepared statements (the default); false runs every
   * query unnamed, for a connection pooler that cannot keep prepared statements (PgBouncer in transaction mode
   * before 1.21, or without `max_prepared_statements`).
   */
  readonly preparedStatements?: boolean;
}

// bigint (int8) ids and counts come back as strings by default; they stay strings (ids never do arithmetic).
// timestamptz comes back as Date (pg's default parser).

/** Creates a Kysely instance over a pg pool. The caller owns it and must `destroy()` it. */
export function createDb(config: DbConfig): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolSize ?? 10,
    statement_timeout: config.statementTimeoutMs ?? 15_000,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away (a restart, a failover) emits 'error' on the pool; without a listener that
  // would crash the process. The pool drops the broken client and opens a new one on the next query.
  pool.on('error', () => {});
  return new Kysely<Database>({
    // Runs the hot queries as named prepared statements (see prepareStatement), unless switched off.
    dialect: new PostgresDialect({ pool: config.preparedStatements === false ? pool : namingPool(pool) }),
    plugins: [new CamelCasePlugin()],
  });
}
