import { randomUUID } from 'node:crypto';
import {
  AUTH_METHODS,
  CHANGE_REQUEST_STATUSES,
  CONFIGURATION_FIELDS,
  ENVIRONMENTS,
  NOTIFICATION_TYPES,
  notifyingActions,
  SCOPE_VERSIONS,
  SERVICE_STATUSES,
} from '@payerbox/domain';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { createDb, migrateToLatest } from '../src/index.ts';

function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  return url;
}

function testDb(t: Test) {
  const db = createDb({ databaseUrl: testDatabaseUrl(), poolSize: 2 });
  t.teardown(() => db.destroy());
  return db;
}

async function insertService(db: ReturnType<typeof createDb>) {
  const userId = randomUUID();
  await db
    .insertInto('users')
    .values({ id: userId, email: `${userId}@test.example`, name: 'Schema test', role: 'developer' })
    .execute();
  const serviceId = randomUUID();
  await db
    .insertInto('backendServices')
    .values({
      id: serviceId,
      clientId: `bs-${serviceId}`,
      ownerId: userId,
      name: 'Schema test',
      authMethod: 'client_secret',
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
      status: 'draft',
    })
    .execute();
  return { userId, serviceId };
}

t.test('applying migrations again changes nothing', async (t) => {
  const db = testDb(t);
  t.same(await migrateToLatest(db, testDatabaseUrl()), []);
});

t.test('the audit trail refuses updates and deletes', async (t) => {
  const db = testDb(t);
  const { userId, serviceId } = await insertService(db);
  await db
    .insertInto('serviceEvents')
    .values({
      serviceId,
      actorId: userId,
      action: 'create',
      fromStatus: null,
      toStatus: 'draft',
      serviceStatus: 'draft',
    })
    .execute();
  await t.rejects(
    db.updateTable('serviceEvents').set({ action: 'forged' }).where('serviceId', '=', serviceId).execute(),
    /append-only/,
  );
  await t.rejects(db.deleteFrom('serviceEvents').where('serviceId', '=', serviceId).execute(), /append-only/);
  const events = await db.selectFrom('serviceEvents').select('action').where('serviceId', '=', serviceId).execute();
  t.same(events, [{ action: 'create' }]);
});

t.test('a JWKS service must name its key set and a secret service must not', async (t) => {
  const db = testDb(t);
  const { serviceId } = await insertService(db);
  await t.rejects(
    db.updateTable('backendServices').set({ authMethod: 'jwks_uri' }).where('id', '=', serviceId).execute(),
    /backend_services_jwks_uri_matches_method/,
  );
});

t.test('statuses outside the lifecycle are refused by the database', async (t) => {
  const db = testDb(t);
  const { serviceId } = await insertService(db);
  await t.rejects(
    sql`update backend_services set status = 'approved' where id = ${serviceId}`.execute(db),
    /backend_services_status_check/,
  );
});

t.test('a service under review must record when it was submitted', async (t) => {
  const db = testDb(t);
  const { serviceId } = await insertService(db);
  await t.rejects(
    db.updateTable('backendServices').set({ status: 'under_review' }).where('id', '=', serviceId).execute(),
    /backend_services_review_has_submitted_at/,
  );
  await db
    .updateTable('backendServices')
    .set({ status: 'under_review', submittedAt: new Date() })
    .where('id', '=', serviceId)
    .execute();
  await t.rejects(
    db.updateTable('backendServices').set({ submittedAt: null }).where('id', '=', serviceId).execute(),
    /backend_services_review_has_submitted_at/,
  );
});

t.test('a cached organization names a cached parent, checked when the refresh commits', async (t) => {
  const db = testDb(t);
  const child = `org-${randomUUID()}`;
  const parent = `org-${randomUUID()}`;
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('organizations').values({ id: child, name: 'Child', parentId: parent }).execute();
    }),
    /organizations_parent_fk/,
  );
  // Within one transaction the order of the rows does not matter: the check waits for the commit.
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('organizations').values({ id: child, name: 'Child', parentId: parent }).execute();
    await trx.insertInto('organizations').values({ id: parent, name: 'Parent', parentId: null }).execute();
  });
  const stored = await db.selectFrom('organizations').select(['id', 'parentId']).where('id', '=', child).execute();
  t.same(stored, [{ id: child, parentId: parent }]);
  await db.deleteFrom('organizations').where('id', 'in', [child, parent]).execute();
});

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
  { table: 'change_requests', column: 'status', values: CHANGE_REQUEST_STATUSES },
  { table: 'change_requests', column: 'auth_method', values: AUTH_METHODS },
  { table: 'change_requests', column: 'scope_version', values: SCOPE_VERSIONS },
  { table: 'notifications', column: 'type', values: NOTIFICATION_TYPES },
  { table: 'notification_preferences', column: 'type', values: NOTIFICATION_TYPES },
] as const;

t.test(
  "the database accepts exactly the domain's statuses, auth methods, scope versions, environments and notification kinds",
  async (t) => {
    const db = testDb(t);
    for (const { table, column, values } of COLUMNS) {
      t.same(await allowedValues(db, table, column), values, `${table}.${column}`);
    }
  },
);

t.test(
  'a change request has a column for every field of the configuration, so that any field can be proposed',
  async (t) => {
    const db = testDb(t);
    const { rows } = await sql<{ column: string }>`
    select column_name as column from information_schema.columns where table_name = 'change_requests'`.execute(db);
    const columns = new Set(rows.map((row) => row.column));
    const snake = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    for (const field of CONFIGURATION_FIELDS) t.ok(columns.has(snake(field)), `change_requests.${snake(field)}`);
  },
);

t.test(
  'the audit trail queues a notification job for exactly the actions the domain says notify someone',
  async (t) => {
    const db = testDb(t);
    const { rows } = await sql<{ definition: string }>`
    select pg_get_triggerdef(oid) as definition from pg_trigger
    where tgname = 'service_events_enqueue_notification'`.execute(db);
    const condition = /WHEN \((.*)\) EXECUTE/.exec(rows[0]?.definition ?? '')?.[1] ?? '';
    const actions = [...condition.matchAll(/'([^']*)'::text/g)].map(([, value]) => value);
    t.same(actions.sort(), notifyingActions().sort());
  },
);
