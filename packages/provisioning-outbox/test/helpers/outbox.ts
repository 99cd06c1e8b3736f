import { randomBytes, randomUUID } from 'node:crypto';
import { createDb, createOwnDatabase, type Database } from '@payerbox/db';
import { type Kysely, sql } from 'kysely';
import type { Test } from 'tap';
import { lockServiceForChange, provisioningRequestCtes } from '../../src/index.ts';

/**
 * A migrated database of the test's own on the test run's server (dropped at teardown): a claim takes every due job it
 * sees, so the outbox's tests must not share a queue with suites that queue jobs of their own.
 */
export async function outboxDatabase(t: Test): Promise<Kysely<Database>> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`, which provides a database');
  const own = await createOwnDatabase(url, 'payerbox_outbox');
  const db = createDb({ databaseUrl: own.url, poolSize: 4 });
  t.teardown(async () => {
    await db.destroy();
    await own.drop();
  });
  return db;
}

const SANDBOX = ['sandbox'] as const;

/** A draft service with its sandbox job queued, in one statement as the registration API creates one. */
export async function createdService(db: Kysely<Database>): Promise<string> {
  const ownerId = randomUUID();
  await db
    .insertInto('users')
    .values({ id: ownerId, email: `owner-${ownerId}@example.test`, name: 'Owner', role: 'developer' })
    .execute();
  const id = randomUUID();
  const request = provisioningRequestCtes(sql`cast(${id} as uuid)`, { environments: SANDBOX, reason: 'create' }, 'new');
  await sql`with service as (
      insert into backend_services (id, client_id, owner_id, name, auth_method, jwks_uri, scope_version, scopes, status)
      values (${id}, ${`bs-${randomBytes(16).toString('hex')}`}, ${ownerId}, 'Outbox test', 'jwks_uri',
              'https://keys.partner.test/jwks.json', 'v2', ${['system/Patient.rs']}, 'draft')
      returning id
    ), ${request}
    select 1`.execute(db);
  return id;
}

/**
 * Changes the service as the API does: locks its row, then re-arms its sandbox job, and commits; `beforeCommit` runs
 * with the lock held and the job re-armed.
 */
export async function changeService(
  db: Kysely<Database>,
  serviceId: string,
  reason: string,
  beforeCommit: () => Promise<void> = async () => {},
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const locked = await lockServiceForChange(
      trx.selectFrom('backendServices').select('id').where('id', '=', serviceId),
    );
    if (!locked) throw new Error(`no service ${serviceId}`);
    const request = provisioningRequestCtes(
      sql`cast(${locked.id} as uuid)`,
      { environments: SANDBOX, reason },
      'existing',
    );
    await sql`with ${request} select 1`.execute(trx);
    await beforeCommit();
  });
}

/**
 * The statement of the one session of this database that waits for a row lock, once there is one: a state PostgreSQL
 * shows, looked at until it shows it (a lock wait has no notification).
 */
export async function lockWaiter(db: Kysely<Database>): Promise<string> {
  for (;;) {
    const waiting = await db
      .selectNoFrom(
        sql<string>`(select query from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock')`.as('query'),
      )
      .executeTakeFirstOrThrow();
    if (waiting.query !== null) return waiting.query;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The service's sandbox job as it is stored, if there is one. */
export function sandboxJob(db: Kysely<Database>, serviceId: string) {
  return db
    .selectFrom('provisioningJobs')
    .select(['id', 'reason', 'generation', 'attempts', 'lockedBy', 'lastError'])
    .select(sql<boolean>`locked_until > now()`.as('leased'))
    .select(sql<boolean>`run_at <= now()`.as('due'))
    .where('serviceId', '=', serviceId)
    .where('environment', '=', 'sandbox')
    .executeTakeFirst();
}

/** The service's sandbox environment as the API shows it. */
export function sandboxEnvironment(db: Kysely<Database>, serviceId: string) {
  return db
    .selectFrom('serviceEnvironments')
    .select(['state', 'lastError'])
    .where('serviceId', '=', serviceId)
    .where('environment', '=', 'sandbox')
    .executeTakeFirstOrThrow();
}
