import { AUTH_METHODS, ENVIRONMENTS, SCOPE_VERSIONS, SERVICE_STATUSES } from '@payerbox/domain';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { createDb } from '../src/index.ts';

function testDb(t: Test) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  const db = createDb({ databaseUrl: url, poolSize: 2 });
  t.teardown(() => db.destroy());
  return db;
}

/**
 * The values a column's CHECK constraint lists (`column in ('a', 'b')`, which PostgreSQL keeps as
 * `column = ANY (ARRAY['a'::text, 'b'::text])`), in their order.
 */
async function allowedValues(db: ReturnType<typeof createDb>, table: string, column: string): Promise<string[]> {
  const { rows } = await sql<{ definition: string }>`
    select pg_get_constraintdef(c.oid) as definition
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
    where c.conrelid = ${table}::regclass and c.contype = 'c' and a.attname = ${column}
      and array_length(c.conkey, 1) = 1`.execute(db);
  const lists = rows.filter((row) => row.definition.includes('ANY (ARRAY['));
  if (lists.length !== 1) throw new Error(`${table}.${column} has ${lists.length} value-list constraints`);
  return [...(lists[0]?.definition ?? '').matchAll(/'([^']*)'::text/g)].map(([, value]) => value ?? '');
}

const COLUMNS = [
  { table: 'backend_services', column: 'status', values: SERVICE_STATUSES },
  { table: 'backend_services', column: 'auth_method', values: AUTH_METHODS },
  { table: 'backend_services', column: 'scope_version', values: SCOPE_VERSIONS },
  { table: 'service_environments', column: 'environment', values: ENVIRONMENTS },
  { table: 'provisioning_jobs', column: 'environment', values: ENVIRONMENTS },
] as const;

t.test(
  "the database accepts exactly the domain's statuses, auth methods, scope versions and environments",
  async (t) => {
    const db = testDb(t);
    for (const { table, column, values } of COLUMNS) {
      t.same(await allowedValues(db, table, column), values, `${table}.${column}`);
    }
  },
);
