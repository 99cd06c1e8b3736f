import { readFile } from 'node:fs/promises';
import t from 'tap';
import { SNAPSHOT_PATH, sqlSnapshot } from '../src/sql-snapshot.ts';

t.test('the committed SQL snapshot is the SQL the outbox runs', async (t) => {
  const committed = await readFile(SNAPSHOT_PATH, 'utf8');
  t.equal(
    sqlSnapshot(),
    committed,
    'sql/queries.sql matches the statements (when it does not, review the diff, then run ' +
      '`pnpm --filter @payerbox/provisioning-outbox sql-snapshot` to rewrite it)',
  );
});
