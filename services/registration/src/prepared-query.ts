import { isDeepStrictEqual } from 'node:util';
import { type Database, prepareStatement } from '@payerbox/db';
import type { CompiledQuery, Kysely } from 'kysely';

/** Stands in for a value while a statement is built once; compiled, it marks the parameter the value goes to. */
class StandIn {
  constructor(readonly key: string) {}
}

/**
 * Every call of a shape is checked against a build with its own values until the shape has run this many times on a
 * database (a Kysely instance with its transactions; a test's calls, in practice), then one call in
 * {@link CHECK_ONE_IN}: a check costs a build and a compile, which the layer exists to save (measured on the service
 * read: 300 to 500 µs while the process warms up, against a call of about 140 µs; one call in a thousand makes it a
 * fraction of a microsecond).
 */
const CHECKED_CALLS = 100;
const CHECK_ONE_IN = 1000;

type Build<V, Row> = (db: Kysely<Database>, values: V) => { compile(db: Kysely<Database>): CompiledQuery<Row> };

interface Template<Row> {
  readonly query: CompiledQuery<Row>;
  /** Per parameter: the key of the value that goes there, or undefined for a constant of the statement itself. */
  readonly keys: readonly (string | undefined)[];
  calls: number;
}

/** Where preparedQuery was called, which names the statement in errors: the caller's file and line. */
function definitionSite(): string {
  // The frames: this function, preparedQuery, the module that defines the statement.
  const frame = new Error().stack?.split('\n')[3]?.trim() ?? '';
  const location = /\((.*)\)$/.exec(frame)?.[1] ?? frame.replace(/^at /, '');
  return location.replace(/^file:\/\//, '').replace(/:\d+$/, '');
}

function compileTemplate<V, Row>(
  statement: string,
  build: Build<V, Row>,
  db: Kysely<Database>,
  present: readonly string[],
): Template<Row> {
  const standIns = Object.fromEntries(present.map((key) => [key, new StandIn(key)])) as unknown as V;
  let query: CompiledQuery<Row>;
  try {
    query = build(db, standIns).compile(db);
  } catch (error) {
    // e.g. `sql.lit(value)`: Kysely refuses to inline a stand-in.
    throw new Error(
      `${statement} could not be built with stand-ins for its values (its builder must place them, never look at them): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const keys = query.parameters.map((parameter) => (parameter instanceof StandIn ? parameter.key : undefined));
  const missing = present.filter((key) => !keys.includes(key));
  // A value the builder inspected (spread, stringified, compared) instead of placing it would be silently wrong.
  if (missing.length > 0) throw new Error(`${statement} does not place the values ${missing.join(', ')}`);
  return { query, keys, calls: 0 };
}

/**
 * Refuses a call whose own values would build another statement than the template sends: a builder that compares
 * or branches on a value (`if (values.x)`, `values.list.length > 0 ? …`) or inlines it decides with a stand-in, the
 * same way for every call, so without this check it would run that one branch forever.
 */
function assertSameStatement<V, Row>(
  statement: string,
  build: Build<V, Row>,
  db: Kysely<Database>,
  values: V,
  template: Template<Row>,
  parameters: readonly unknown[],
): void {
  const fresh = build(db, values).compile(db);
  const differing = fresh.parameters.flatMap((parameter, index) =>
    isDeepStrictEqual(parameter, parameters[index]) ? [] : [`$${index + 1}`],
  );
  if (fresh.sql === template.query.sql && fresh.parameters.length === parameters.length && differing.length === 0) {
    return;
  }
  const difference =
    fresh.sql === template.query.sql
      ? `differing parameters: ${differing.join(', ')}`
      : `these values compile to\n${fresh.sql}\nbut the statement prepared for them is\n${template.query.sql}`;
  throw new Error(
    `${statement} changes with the values it is given, so it cannot be prepared once: its builder must place each value (in an insert, a comparison or a sql parameter), never compare, branch on or inline it; ${difference}`,
  );
}

/**
 * A statement built and compiled once per database (a Kysely instance with its transactions) and shape (which values
 * are present), then run as a named prepared statement with each call's values in their places. On the hottest paths (authentication, reading a
 * service, creating one) building and compiling a query cost the server more CPU than the database round trip, and
 * parsing and planning it cost PostgreSQL more than running it.
 *
 * `build` receives stand-ins for the values and must only place them in the statement (as a value of an insert, a
 * comparison or a `sql` parameter), never look at them. Misuse is an error, at the latest on the first call that it
 * would make wrong: a value the builder does not place fails the first call of its shape, and the statement a call's
 * own values build is compared with the prepared one (see {@link CHECKED_CALLS}), so a builder that branches on a
 * value or inlines it fails instead of silently reusing another call's statement.
 */
export function preparedQuery<V extends object, Row>(
  // A query builder's compile() takes nothing, a `sql` template's the database handle.
  build: Build<V, Row>,
) {
  const statement = `the prepared statement defined at ${definitionSite()}`;
  // Keyed by the dialect adapter, which a Kysely instance shares with every transaction opened on it: the statement
  // compiles the same in a transaction, so a lifecycle command's transaction reuses the template instead of building
  // and checking it again.
  const templates = new WeakMap<object, Map<string, Template<Row>>>();
  return async (db: Kysely<Database>, values: V): Promise<Row[]> => {
    // Named values; `undefined` leaves one out, which is another shape of the statement.
    const named = values as Readonly<Record<string, unknown>>;
    const present = Object.keys(named).filter((key) => named[key] !== undefined);
    const shape = present.join(',');
    const handle = db.getExecutor().adapter;
    let byShape = templates.get(handle);
    if (!byShape) {
      byShape = new Map();
      templates.set(handle, byShape);
    }
    let template = byShape.get(shape);
    if (!template) {
      template = compileTemplate(statement, build, db, present);
      prepareStatement(template.query.sql);
      byShape.set(shape, template);
    }
    const { query, keys } = template;
    const parameters = keys.map((key, index) => (key === undefined ? query.parameters[index] : named[key]));
    template.calls += 1;
    if (template.calls <= CHECKED_CALLS || template.calls % CHECK_ONE_IN === 0) {
      // Built from the same keys as the stand-ins, in the same order.
      const placed = Object.fromEntries(present.map((key) => [key, named[key]])) as unknown as V;
      assertSameStatement(statement, build, db, placed, template, parameters);
    }
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}
