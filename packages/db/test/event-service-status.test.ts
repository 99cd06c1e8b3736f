import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import t, { type Test } from 'tap';
import { createDb, createOwnDatabase, type Database } from '../src/index.ts';
import * as eventServiceStatus from '../src/migrations/2026-11-24-0009-event-service-status.ts';

/** A migrated database of its own: this suite migrates down and up again, which others must not see. */
async function isolatedDb(t: Test): Promise<Kysely<Database>> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  const own = await createOwnDatabase(url, 'payerbox_events');
  const db = createDb({ databaseUrl: own.url, poolSize: 1 });
  t.teardown(async () => {
    await db.destroy();
    await own.drop();
  });
  return db;
}

// Events as the portal wrote them before the migration: rotations, edits and resyncs named the status twice.
const OLD_EVENTS = [
  ['create', null, 'draft'],
  ['edit', 'draft', 'draft'],
  ['submit', 'draft', 'under_review'],
  ['approve', 'under_review', 'active'],
  ['rotate_secret', 'active', 'active'],
  ['resync', 'active', 'active'],
  ['deactivate', 'active', 'rejected'],
  ['delete', 'draft', null],
] as const;

/** Each event's action, from and to status, and (when the column exists) service status. */
async function events(db: Kysely<Database>, serviceId: string, withServiceStatus = true) {
  const status = withServiceStatus ? sql`service_status` : sql`null`;
  const rows = await sql<{ action: string; from: string | null; to: string | null; status: string | null }>`
    select action, from_status as "from", to_status as "to", ${status} as status
    from service_events where service_id = ${serviceId} order by id`.execute(db);
  return rows.rows.map((row) => [row.action, row.from, row.to, row.status]);
}

t.test('rewrites old events: an action that kept the status names it once, as the service status', async (t) => {
  const db = await isolatedDb(t);
  await eventServiceStatus.down(db);
  const userId = randomUUID();
  const serviceId = randomUUID();
  await sql`insert into users (id, email, name, role) values (${userId}, ${`${userId}@test.example`}, 'Old', 'developer')`.execute(
    db,
  );
  await sql`
    insert into backend_services (id, client_id, owner_id, name, auth_method, scope_version, scopes, status)
    values (${serviceId}, ${`bs-${serviceId}`}, ${userId}, 'Old', 'client_secret', 'v2', '{system/Patient.rs}', 'draft')`.execute(
    db,
  );
  for (const [action, from, to] of OLD_EVENTS) {
    await sql`insert into service_events (service_id, actor_id, action, from_status, to_status)
      values (${serviceId}, ${userId}, ${action}, ${from}, ${to})`.execute(db);
  }

  await eventServiceStatus.up(db);
  t.same(await events(db, serviceId), [
    ['create', null, 'draft', 'draft'],
    ['edit', null, null, 'draft'],
    ['submit', 'draft', 'under_review', 'under_review'],
    ['approve', 'under_review', 'active', 'active'],
    ['rotate_secret', null, null, 'active'],
    ['resync', null, null, 'active'],
    ['deactivate', 'active', 'rejected', 'rejected'],
    ['delete', 'draft', null, null],
  ]);
  await t.rejects(
    sql`update service_events set action = 'forged' where service_id = ${serviceId}`.execute(db),
    /append-only/,
    'the trail is append-only again',
  );
  await t.rejects(
    sql`insert into service_events (service_id, action, from_status, to_status, service_status)
      values (${serviceId}, 'rotate_secret', 'active', 'active', 'active')`.execute(db),
    /service_events_transition_changes_status/,
    'no event can name the same status at both ends',
  );

  await eventServiceStatus.down(db);
  t.same(
    await events(db, serviceId, false),
    OLD_EVENTS.map(([action, from, to]) => [action, from, to, null]),
    'down restores the old encoding',
  );
});
