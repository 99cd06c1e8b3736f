import { CompiledQuery, sql } from 'kysely';
import t from 'tap';
import { createDb, prepareStatement } from '../src/index.ts';

function oneConnection(options: { readonly preparedStatements?: boolean } = {}) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  const db = createDb({ databaseUrl: url, poolSize: 1, ...options });
  t.teardown(() => db.destroy());
  return db;
}

async function preparedOnTheConnection(db: ReturnType<typeof oneConnection>): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db);
  return rows.map((row) => row.statement);
}

t.test('a registered text runs as a named prepared statement, prepared once per connection', async (t) => {
  const db = oneConnection();
  const text = 'select cast($1 as int) + 1 as "next"';
  prepareStatement(text);
  prepareStatement(text);
  for (const value of [1, 41]) {
    const { rows } = await db.executeQuery<{ next: number }>(CompiledQuery.raw(text, [value]));
    t.same(rows, [{ next: value + 1 }], 'answers with the fresh parameters');
  }
  t.same(
    (await preparedOnTheConnection(db)).filter((statement) => statement === text),
    [text],
    'prepared once on the connection',
  );
});

t.test('any other text runs unnamed, as before', async (t) => {
  const db = oneConnection();
  const text = 'select cast($1 as int) * 2 as "double"';
  const { rows } = await db.executeQuery<{ double: number }>(CompiledQuery.raw(text, [21]));
  t.same(rows, [{ double: 42 }]);
  t.notOk((await preparedOnTheConnection(db)).includes(text));
});

t.test('with prepared statements switched off, a registered text runs unnamed', async (t) => {
  const db = oneConnection({ preparedStatements: false });
  const text = 'select cast($1 as int) - 1 as "previous"';
  prepareStatement(text);
  for (const value of [1, 43]) {
    const { rows } = await db.executeQuery<{ previous: number }>(CompiledQuery.raw(text, [value]));
    t.same(rows, [{ previous: value - 1 }]);
  }
  t.same(await preparedOnTheConnection(db), [], 'nothing prepared on the connection');
});

t.test('a failing prepared statement reports its error and leaves the connection usable', async (t) => {
  const db = oneConnection();
  const text = 'select 1 / cast($1 as int) as "quotient"';
  prepareStatement(text);
  await t.rejects(db.executeQuery(CompiledQuery.raw(text, [0])), /division by zero/);
  const { rows } = await db.executeQuery<{ quotient: number }>(CompiledQuery.raw(text, [1]));
  t.same(rows, [{ quotient: 1 }]);
});
