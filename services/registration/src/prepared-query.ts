import type { Database } from '@payerbox/db';
import type { CompiledQuery, Kysely } from 'kysely';

/**
 * A query built and compiled once per database handle, then run with fresh parameters: on the hottest reads
 * (authentication, one service by id) building and compiling the query cost more CPU than the database round trip.
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
      compiled.set(db, query);
    }
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows;
  };
}
