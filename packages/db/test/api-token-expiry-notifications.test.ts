import { randomBytes, randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import t, { type Test } from 'tap';
import { createDb, createOwnDatabase, type Database } from '../src/index.ts';
import * as apiTokenExpiry from '../src/migrations/2026-12-05-0025-api-token-expiry-notifications.ts';

/** A migrated database of its own: this suite migrates down and up again, which others must not see. */
async function isolatedDb(t: Test): Promise<Kysely<Database>> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  const own = await createOwnDatabase(url, 'payerbox_token_notices');
  const db = createDb({ databaseUrl: own.url, poolSize: 1 });
  t.teardown(async () => {
    await db.destroy();
    await own.drop();
  });
  return db;
}

/** A developer with a service, one audit event of it and one API token. */
async function fixtures(db: Kysely<Database>) {
  const userId = randomUUID();
  const serviceId = randomUUID();
  const tokenId = randomUUID();
  await sql`insert into users (id, email, name, role) values (${userId}, ${`${userId}@test.example`}, 'Dev', 'developer')`.execute(
    db,
  );
  await sql`
    insert into backend_services (id, client_id, owner_id, name, auth_method, scope_version, scopes, status)
    values (${serviceId}, ${`bs-${serviceId}`}, ${userId}, 'Claims', 'client_secret', 'v2', '{system/Patient.rs}', 'draft')`.execute(
    db,
  );
  const event = await sql<{ id: string; createdAt: Date }>`
    insert into service_events (service_id, actor_id, action, from_status, to_status, service_status, created_at)
    values (${serviceId}, ${userId}, 'create', null, 'draft', 'draft', now() - interval '3 days')
    returning id, created_at as "createdAt"`.execute(db);
  await sql`
    insert into api_tokens (id, user_id, name, token_hash, token_prefix, expires_at)
    values (${tokenId}, ${userId}, 'ci-deploy', ${randomBytes(32)}, 'pbx_pat_abcdef', now() + interval '6 days')`.execute(
    db,
  );
  const eventRow = event.rows[0];
  if (!eventRow) throw new Error('no event');
  return { userId, serviceId, tokenId, eventId: eventRow.id, eventAt: eventRow.createdAt };
}

async function indexDefinition(db: Kysely<Database>, name: string): Promise<string | undefined> {
  const { rows } = await sql<{ definition: string }>`
    select indexdef as definition from pg_indexes where indexname = ${name}`.execute(db);
  return rows[0]?.definition;
}

t.test(
  'a notification is about an event of a service or an API token, never both nor neither, one per token',
  async (t) => {
    const db = await isolatedDb(t);
    const { userId, serviceId, tokenId, eventId } = await fixtures(db);
    const insert = (values: { eventId?: string; serviceId?: string; apiTokenId?: string; type: string }) =>
      sql`insert into notifications (user_id, event_id, service_id, api_token_id, type, occurred_at)
        values (${userId}, ${values.eventId ?? null}, ${values.serviceId ?? null}, ${values.apiTokenId ?? null},
          ${values.type}, now())`.execute(db);
    await insert({ eventId, serviceId, type: 'service.submitted' });
    await insert({ apiTokenId: tokenId, type: 'api_token.expiring' });
    await t.rejects(
      insert({ apiTokenId: tokenId, type: 'api_token.expiring' }),
      /notifications_api_token_user_type_key/,
      'one notice per token',
    );
    await t.rejects(
      insert({ eventId, serviceId, apiTokenId: tokenId, type: 'api_token.expiring' }),
      /notifications_subject_check/,
      'not about both',
    );
    await t.rejects(insert({ type: 'api_token.expiring' }), /notifications_subject_check/, 'not about nothing');
    await sql`delete from api_tokens where id = ${tokenId}`.execute(db);
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from notifications where api_token_id is not null`.execute(db);
    t.equal(rows[0]?.count, '0', 'a deleted token takes its notice with it');
  },
);

t.test(
  'migrating down and up again keeps the service notifications, dated by their events, in the new order',
  async (t) => {
    const db = await isolatedDb(t);
    const { userId, serviceId, tokenId, eventId, eventAt } = await fixtures(db);
    await sql`insert into notifications (user_id, api_token_id, type, occurred_at)
      values (${userId}, ${tokenId}, 'api_token.expiring', now())`.execute(db);

    await apiTokenExpiry.down(db);
    t.match(await indexDefinition(db, 'notifications_user_idx'), /\(user_id, event_id DESC\)/, 'the old list index');
    await t.rejects(
      sql`insert into notifications (user_id, event_id, service_id, type)
        values (${userId}, ${eventId}, ${serviceId}, 'api_token.expiring')`.execute(db),
      /notifications_type_check/,
      'the kind is gone with its notices',
    );
    await sql`insert into notifications (user_id, event_id, service_id, type)
      values (${userId}, ${eventId}, ${serviceId}, 'service.submitted')`.execute(db);

    await apiTokenExpiry.up(db);
    const { rows } = await sql<{ occurredAt: Date; apiTokenId: string | null }>`
      select occurred_at as "occurredAt", api_token_id as "apiTokenId" from notifications where user_id = ${userId}`.execute(
      db,
    );
    t.equal(rows.length, 1, 'the service notification stayed; the token notice went with the kind');
    t.same(rows[0]?.occurredAt, eventAt, 'dated by its event');
    t.match(
      await indexDefinition(db, 'notifications_user_idx'),
      /\(user_id, occurred_at DESC, id DESC\)/,
      'the list index orders by when it happened',
    );
    await t.rejects(
      sql`insert into notifications (user_id, event_id, service_id, type) values (${userId}, ${eventId}, ${serviceId}, 'service.approved')`.execute(
        db,
      ),
      /occurred_at/,
      'every notification says when it happened',
    );
  },
);
