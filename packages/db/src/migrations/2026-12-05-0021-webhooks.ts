import { type Kysely, sql } from 'kysely';

// Webhooks (issue 22): a developer's endpoints, and one delivery per event and endpoint with every attempt logged. The
// notifier's fan-out inserts the deliveries in the transaction that creates the event's notifications, so a retried
// fan-out finds them (unique per endpoint and event) and each event reaches an endpoint under one webhook-id.
// The kinds of notification with `webhook.failing` (packages/domain, NOTIFICATION_TYPES; test/schema.test.ts compares).
const TYPES = sql`type in ('service.submitted', 'service.approved', 'service.rejected', 'service.returned',
  'service.deactivated', 'service.retired', 'secret.rotated', 'change_request.submitted', 'change_request.approved',
  'change_request.rejected', 'webhook.failing')`;
const TYPES_BEFORE = sql`type in ('service.submitted', 'service.approved', 'service.rejected', 'service.returned',
  'service.deactivated', 'service.retired', 'secret.rotated', 'change_request.submitted', 'change_request.approved',
  'change_request.rejected')`;

async function allowTypes(db: Kysely<any>, types: typeof TYPES): Promise<void> {
  for (const table of ['notifications', 'notification_preferences']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_type_check`)}`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_type_check`)} check (${types})`.execute(
      db,
    );
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  // `webhook.failing` tells the owner of the event whose delivery was given up, beside that event's own notification:
  // one notification per event, person and kind.
  await allowTypes(db, TYPES);
  await sql`alter table notifications drop constraint notifications_event_user_key`.execute(db);
  await sql`alter table notifications add constraint notifications_event_user_type_key
    unique (event_id, user_id, type)`.execute(db);

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    // The event types it subscribes to (packages/domain, WEBHOOK_EVENT_TYPES; the API validates them).
    .addColumn('events', sql`text[]`, (c) => c.notNull().check(sql`cardinality(events) > 0`))
    // The signing secret (`whsec_…`), sealed like client secrets (packages/secret-box) with the endpoint id as context.
    .addColumn('secret_ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('secret_key_id', 'text', (c) => c.notNull())
    // Set when a delivery used up its retry window; cleared by the next delivery that succeeds.
    .addColumn('failing_since', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The fan-out's lookup (the owner's endpoints subscribed to a type) and the owner's list, newest first.
  await db.schema
    .createIndex('webhook_endpoints_owner_idx')
    .on('webhook_endpoints')
    .columns(['owner_id', 'id'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('endpoint_id', 'uuid', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    // The audit event it tells of; null for a test delivery.
    .addColumn('event_id', 'bigint', (c) => c.references('service_events.id'))
    // The Standard Webhooks `webhook-id`: the same on every attempt and redelivery, so receivers can de-duplicate.
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // The exact JSON sent (`{ type, timestamp, data }`), fixed when queued so every attempt sends the same bytes.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'delivered', 'failed')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // When the current round of attempts began (creation, or the last redelivery): the retry window counts from it.
    .addColumn('round_started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('webhook_deliveries_endpoint_event_key', ['endpoint_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint_idx')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'id desc'])
    .execute();

  await db.schema
    .createTable('webhook_delivery_attempts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    // The receiver's HTTP status; null when no response came (refused, timed out, blocked address).
    .addColumn('status_code', 'integer')
    .addColumn('succeeded', 'boolean', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_delivery_attempts_delivery_idx')
    .on('webhook_delivery_attempts')
    .columns(['delivery_id', 'attempt'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_delivery_attempts').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
  await sql`delete from notifications where type = 'webhook.failing'`.execute(db);
  await sql`delete from notification_preferences where type = 'webhook.failing'`.execute(db);
  await sql`alter table notifications drop constraint notifications_event_user_type_key`.execute(db);
  await sql`alter table notifications add constraint notifications_event_user_key unique (event_id, user_id)`.execute(
    db,
  );
  await allowTypes(db, TYPES_BEFORE);
}
