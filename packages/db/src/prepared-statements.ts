import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** SQL text → statement name, for the statements every connection should prepare once and then only execute. */
const names = new Map<string, string>();

/**
 * Marks a query text (with `$1`… placeholders) as a hot statement: from now on every pooled connection that runs it
 * prepares it under a name the first time (Parse) and afterwards only binds and executes it, so PostgreSQL neither
 * parses nor (after its first executions, when it settles on a generic plan) plans it again. Worth it for the few
 * queries run on nearly every request; measured on the service read, it cut PostgreSQL's CPU per query by two
 * thirds. A schema change invalidates such plans: PostgreSQL replans by itself, except for a changed result type,
 * which only a restart after a migration that alters these tables would meet (services migrate before they serve).
 * A database handle created with `preparedStatements: false` runs these texts unnamed like any other.
 */
export function prepareStatement(text: string): void {
  if (!names.has(text)) names.set(text, `payerbox_${names.size + 1}`);
}

/**
 * Kysely's view of a pg pool (its `PostgresPool` interface) whose clients send the texts {@link prepareStatement}
 * registered as pg's own named query configs (`{ name, text, values }`). Kysely's Postgres connection hands the client
 * only a text and its values, and a plugin sees operation nodes, never the wire: the client Kysely is given is the
 * one place a name can be added, and adapting it here leaves pg's classes as they are.
 */
export function namingPool(pool: pg.Pool): PostgresPool {
  // Kysely keeps one connection per client object, so each pg client keeps one adapter.
  const adapters = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let adapter = adapters.get(client);
      if (!adapter) {
        adapter = namingClient(client);
        adapters.set(client, adapter);
      }
      return adapter;
    },
    end: () => pool.end(),
  };
}

function namingClient(client: pg.PoolClient): PostgresPoolClient {
  function query(textOrCursor: unknown, values?: readonly unknown[]): unknown {
    // A cursor (Kysely's streaming) is a submittable that pg runs as it is.
    if (typeof textOrCursor !== 'string') return client.query(textOrCursor as pg.Submittable);
    const name = names.get(textOrCursor);
    // Kysely passes a fresh array of its own.
    const parameters = values as unknown[];
    if (name === undefined) return client.query(textOrCursor, parameters);
    return client.query({ name, text: textOrCursor, values: parameters });
  }
  return { query: query as PostgresPoolClient['query'], release: () => client.release() };
}
