import { createDb } from '@payerbox/db';
import { sql } from 'kysely';
import t from 'tap';
import { preparedQuery } from '../src/prepared-query.ts';
import { testDatabaseUrl } from './helpers/app.ts';

function oneConnection() {
  const db = createDb({ databaseUrl: testDatabaseUrl(), poolSize: 1 });
  t.teardown(() => db.destroy());
  return db;
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
  t.equal(builds, 1, 'built once for that shape');
  t.same(await echo(db, { first: 'd', second: 7 }), [{ text: 'd-7' }]);
  t.same(await echo(db, { first: 'e', second: 8 }), [{ text: 'e-8' }]);
  t.equal(builds, 2, 'another shape is built once more');
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from pg_prepared_statements where statement like 'select $1 || $2 ||%'`.execute(db);
  t.equal(rows[0]?.count, 2, 'one named statement per shape on the connection');
});

t.test('a value the statement does not place is an error, not a silently wrong query', async (t) => {
  const db = oneConnection();
  const inspecting = preparedQuery((_db, values: { readonly names: readonly string[] }) => {
    // Stringifying the stand-in instead of placing it would bake the first call's text into the statement.
    return sql<{ names: string }>`select cast(${JSON.stringify(values.names)} as jsonb) as names`;
  });
  await t.rejects(inspecting(db, { names: ['a', 'b'] }), /does not place the values names/);
});
