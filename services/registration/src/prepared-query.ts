import { type Database, prepareStatement } from '@payerbox/db';
import type { CompiledQuery, Kysely, RawBuilder, Transaction } from 'kysely';

/**
 * A query built and compiled once per database handle, then run with fresh parameters: on the hottest reads
 * (authentication, one service by id) building and compiling the query cost more CPU than the database round trip,
 * and parsing and planning it cost PostgreSQL more than running it, so it also runs as a named prepared statement.
 * `build` must produce the same SQL whatever the parameters; its placeholder values are replaced positionally.
 */
export function preparedQuery<Row>(build: (db: Kysely<Database>) => { compile(): CompiledQuery<Row> }) {
  const compiled = new WeakMap<Kysely<Database>, CompiledQuery<Row>>();
  return async (db: Kysely<Database>, parameters: readonly unknown[]): Promise<Row[]> => {
    let query = compiled.get(db);
    if (!query) {
      query = build(db).compile();
      if (query.parameters.length !== parameters.length) {
        throw new Error(`prepared query expects ${query.parameters.length} parameters, got ${parameters.length}`);
      }
      prepareStatement(query.sql);
      compiled.set(db, query);
    }
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows;
  };
}

/**
 * Runs a raw statement as a named prepared statement. Only for statements whose text takes a handful of shapes
 * (everything that varies is a parameter): each distinct text is prepared on every connection that runs it.
 */
export async function executePrepared<Row>(
  db: Kysely<Database> | Transaction<Database>,
  statement: RawBuilder<Row>,
): Promise<Row[]> {
  const query = statement.compile(db);
  prepareStatement(query.sql);
  return (await db.executeQuery<Row>(query)).rows;
}
