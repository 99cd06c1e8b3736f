import { createDb, type Database } from '@payerbox/db';
import { type Kysely, sql } from 'kysely';
import t from 'tap';
import { preparedQuery } from '../src/prepared-query.ts';
import { buildTestApp, createService, createUser, testDatabaseUrl } from './helpers/app.ts';

function oneConnection(options: { readonly preparedStatements?: boolean } = {}) {
  const db = createDb({ databaseUrl: testDatabaseUrl(), poolSize: 1, ...options });
  t.teardown(() => db.destroy());
  return db;
}

/** The statements prepared in the session of a handle with one connection. */
async function preparedStatements(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db);
  return rows.map((row) => row.statement);
}

t.test('runs with each call’s values in their places, prepared once per connection and shape', async (t) => {
  const db = oneConnection();
  let builds = 0;
  const echo = preparedQuery((_db, values: { readonly first: string; readonly second?: number | undefined }) => {
    builds += 1;
    // The same value twice, and a constant of the statement itself between the values.
    return values.second === undefined
      ? sql<{ text: string }>`select ${values.first} || ${'-'} || ${values.first} as text`
      : sql<{ text: string }>`select ${values.first} || ${'-'} || cast(${values.second} as text) as text`;
  });
  t.same(await echo(db, { first: 'a' }), [{ text: 'a-a' }]);
  t.same(await echo(db, { first: 'b' }), [{ text: 'b-b' }], 'fresh values, not the first call’s');
  t.same(await echo(db, { first: 'c', second: undefined }), [{ text: 'c-c' }], 'undefined is a value left out');
  // Once with stand-ins, the statement every call of the shape runs, and once with each call's values to check it.
  t.equal(builds, 1 + 3, 'built once for that shape, then only to check each call against it');
  t.same(await echo(db, { first: 'd', second: 7 }), [{ text: 'd-7' }]);
  t.same(await echo(db, { first: 'e', second: 8 }), [{ text: 'e-8' }]);
  t.equal(builds, 4 + 1 + 2, 'another shape is built once more');
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from pg_prepared_statements where statement like 'select $1 || $2 ||%'`.execute(db);
  t.equal(rows[0]?.count, 2, 'one named statement per shape on the connection');
});

t.test('a transaction reuses the statement its database built, instead of building it again', async (t) => {
  const db = oneConnection();
  let builds = 0;
  const echo = preparedQuery((_db, values: { readonly first: string }) => {
    builds += 1;
    return sql<{ text: string }>`select ${values.first} as text`;
  });
  t.same(await echo(db, { first: 'a' }), [{ text: 'a' }]);
  t.equal(builds, 2, 'built with stand-ins, then with the call’s values to check it');
  await db.transaction().execute(async (trx) => {
    t.same(await echo(trx, { first: 'b' }), [{ text: 'b' }]);
    t.same(await echo(trx, { first: 'c' }), [{ text: 'c' }]);
  });
  // Each call in the transaction is still checked (the first hundred are), but no template is built for it.
  t.equal(builds, 2 + 2, 'only the two checks, no second template');
  t.equal((await preparedStatements(db)).filter((s) => s === 'select $1 as text').length, 1, 'prepared once');
});

t.test('a value the statement does not place is an error, not a silently wrong query', async (t) => {
  const db = oneConnection();
  const inspecting = preparedQuery((_db, values: { readonly names: readonly string[] }) => {
    // Stringifying the stand-in instead of placing it would bake the first call's text into the statement.
    return sql<{ names: string }>`select cast(${JSON.stringify(values.names)} as jsonb) as names`;
  });
  await t.rejects(inspecting(db, { names: ['a', 'b'] }), /does not place the values names/);
});

t.test(
  'a builder that branches on a value fails at its first call, naming where the statement is defined',
  async (t) => {
    const db = oneConnection();
    const byStatus = preparedQuery((_db, values: { readonly status: string }) =>
      // Compared, the stand-in is never 'active': every call would run the other branch.
      values.status === 'active'
        ? sql<{ live: boolean }>`select ${values.status} = 'active' as live`
        : sql<{ live: boolean }>`select ${values.status} <> 'draft' and false as live`,
    );
    await t.rejects(byStatus(db, { status: 'active' }), {
      message: /prepared-query\.test\.ts:\d+ changes with the values it is given.*place each value/s,
    });
    t.same(await preparedStatements(db), [], 'nothing ran');
  },
);

t.test('a branch the first call does not take fails on the call that takes it, not silently', async (t) => {
  const db = oneConnection();
  const limited = preparedQuery((_db, values: { readonly ids: readonly number[] }) =>
    // The stand-in has no length: it takes the second branch, whatever the values.
    values.ids.length > 0
      ? sql<{ n: number }>`select n from generate_series(1, 3) as n where n in (${sql.join(values.ids)})`
      : sql<{
          n: number;
        }>`select n from generate_series(1, 3) as n where cardinality(cast(${values.ids} as int[])) > 0`,
  );
  t.same(await limited(db, { ids: [] }), [], 'the branch the stand-in takes too');
  await t.rejects(limited(db, { ids: [1, 2] }), /changes with the values it is given/);
});

t.test('a constant chosen by a value is an error, with the parameter that differs', async (t) => {
  const db = oneConnection();
  const sized = preparedQuery((_db, values: { readonly count: number }) => {
    const size = values.count > 10 ? 'many' : 'few';
    return sql<{ size: string }>`select ${size} as size, ${values.count}::int as count`;
  });
  t.same(await sized(db, { count: 3 }), [{ size: 'few', count: 3 }]);
  await t.rejects(sized(db, { count: 30 }), /differing parameters: \$1/);
});

t.test('a value inlined into the text is an error at the first call', async (t) => {
  const db = oneConnection();
  const inlined = preparedQuery(
    (_db, values: { readonly limit: number }) =>
      sql<{ n: number }>`select n from generate_series(1, 5) as n limit ${sql.lit(values.limit)}`,
  );
  await t.rejects(inlined(db, { limit: 2 }), /could not be built with stand-ins for its values/);
});

t.test('after a shape’s first hundred calls, only one call in a thousand is built again to check it', async (t) => {
  const db = oneConnection();
  let builds = 0;
  const echo = preparedQuery((_db, values: { readonly n: number }) => {
    builds += 1;
    return sql<{ n: number }>`select cast(${values.n} as int) as n`;
  });
  for (let n = 1; n <= 2000; n++) await echo(db, { n });
  // Once with stand-ins; with the values of calls 1 to 100, 1000 and 2000.
  t.equal(builds, 1 + 100 + 2);
});

t.test('with prepared statements switched off, the same statements run unnamed', async (t) => {
  const db = oneConnection({ preparedStatements: false });
  const echo = preparedQuery(
    (_db, values: { readonly word: string }) => sql<{ text: string }>`select ${values.word} as text`,
  );
  t.same(await echo(db, { word: 'one' }), [{ text: 'one' }]);
  t.same(await echo(db, { word: 'two' }), [{ text: 'two' }]);
  t.same(await preparedStatements(db), [], 'nothing prepared in the session');
});

t.test(
  'the service reads and writes its hot statements unnamed when DATABASE_PREPARED_STATEMENTS is false',
  async (t) => {
    for (const setting of ['true', 'false'] as const) {
      const app = await buildTestApp(t, { DATABASE_POOL_SIZE: '1', DATABASE_PREPARED_STATEMENTS: setting });
      const owner = await createUser(app);
      const created = await createService(owner);
      const read = await owner.request('GET', `/api/v1/backend-services/${created.id}`);
      t.equal(read.statusCode, 200, `read with DATABASE_PREPARED_STATEMENTS=${setting}`);
      const prepared = await preparedStatements(app.db);
      if (setting === 'true') t.ok(prepared.length >= 3, 'authentication, create and read prepared in the session');
      else t.same(prepared, [], 'nothing prepared in the session');
    }
  },
);
