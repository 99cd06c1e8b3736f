import { type Database, prepareStatement } from '@payerbox/db';
import type { CompiledQuery, Kysely } from 'kysely';

/** Stands in for a value while a statement is built once; compiled, it marks the parameter the value goes to. */
class StandIn {
  constructor(readonly key: string) {}
}

interface Template<Row> {
  readonly query: CompiledQuery<Row>;
  /** Per parameter: the key of the value that goes there, or undefined for a constant of the statement itself. */
  readonly keys: readonly (string | undefined)[];
}

function compileTemplate<Row>(query: CompiledQuery<Row>, present: readonly string[]): Template<Row> {
  const keys = query.parameters.map((parameter) => (parameter instanceof StandIn ? parameter.key : undefined));
  const missing = present.filter((key) => !keys.includes(key));
  // A value the builder inspected (spread, stringified, compared) instead of placing it would be silently wrong.
  if (missing.length > 0) throw new Error(`the statement does not place the values ${missing.join(', ')}`);
  return { query, keys };
}

/**
 * A statement built and compiled once per database handle and shape (which values are present), then run as a named
 * prepared statement with each call's values in their places. On the hottest paths (authentication, reading a
 * service, creating one) building and compiling a query cost the server more CPU than the database round trip, and
 * parsing and planning it cost PostgreSQL more than running it.
 *
 * `build` receives stand-ins for the values and must only place them in the statement (as a value of an insert, a
 * comparison or a `sql` parameter), never look at them; a value it does not place is an error on first use.
 */
export function preparedQuery<V extends object, Row>(
  // A query builder's compile() takes nothing, a `sql` template's the database handle.
  build: (db: Kysely<Database>, values: V) => { compile(db: Kysely<Database>): CompiledQuery<Row> },
) {
  const templates = new WeakMap<Kysely<Database>, Map<string, Template<Row>>>();
  return async (db: Kysely<Database>, values: V): Promise<Row[]> => {
    // Named values; `undefined` leaves one out, which is another shape of the statement.
    const named = values as Readonly<Record<string, unknown>>;
    const present = Object.keys(named).filter((key) => named[key] !== undefined);
    const shape = present.join(',');
    let byShape = templates.get(db);
    if (!byShape) {
      byShape = new Map();
      templates.set(db, byShape);
    }
    let template = byShape.get(shape);
    if (!template) {
      const standIns = Object.fromEntries(present.map((key) => [key, new StandIn(key)])) as unknown as V;
      template = compileTemplate(build(db, standIns).compile(db), present);
      prepareStatement(template.query.sql);
      byShape.set(shape, template);
    }
    const { query, keys } = template;
    const parameters = keys.map((key, index) => (key === undefined ? query.parameters[index] : named[key]));
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}
