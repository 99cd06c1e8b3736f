import { type Kysely, sql } from 'kysely';

// Notifications (issue 22). Every audit event that notifies someone becomes a job of the durable queue (graphile-worker, whose schema
// migrateToLatest installs before these migrations run) in the very transaction that records it: a trigger, so no
// command has to remember it, and a change that rolls back takes its job with it. The notifier classifies the event
// (packages/domain, notificationFor) and fans it out into the rows below.
// The kinds of notification, as packages/domain lists them (NOTIFICATION_TYPES; test/schema.test.ts compares): a new
// kind comes with a migration that widens both constraints.
const TYPES = sql`type in ('service.submitted', 'service.approved', 'service.rejected', 'service.returned',
  'service.deactivated', 'service.retired', 'secret.rotated', 'change_request.submitted', 'change_request.approved',
  'change_request.rejected')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (c) => c.notNull().references('service_events.id'))
    .addColumn('service_id', 'uuid', (c) => c.notNull().references('backend_services.id'))
    .addColumn('type', 'text', (c) => c.notNull().check(TYPES))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    // Set once the e-mail went out: a retried job finds it and sends nothing again (idempotent by event).
    .addColumn('emailed_at', 'timestamptz')
    // One notification per event and person, whatever number of times the fan-out job runs.
    .addUniqueConstraint('notifications_event_user_key', ['event_id', 'user_id'])
    .execute();
  // A person's list in the order things happened (the events'; fan-outs run in parallel, so the notifications' own ids
  // need not follow it), paged by event id (keyset: unique per person).
  await db.schema
    .createIndex('notifications_user_idx')
    .on('notifications')
    .columns(['user_id', 'event_id desc'])
    .execute();
  await sql`create index notifications_unread_idx on notifications (user_id) where read_at is null`.execute(db);

  // E-mail opt-outs per kind of notification; no row means the default, e-mail on.
  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull().check(TYPES))
    .addColumn('email', 'boolean', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notification_preferences_pkey', ['user_id', 'type'])
    .execute();

  // The notifier processes that are alive: graphile-worker leaves a crashed worker's job locked for four hours, so each
  // notifier beats here and the others hand a silent one's jobs back to the queue (see services/notifier, lease.ts).
  await db.schema
    .createTable('notifier_heartbeats')
    .addColumn('worker_id', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`
    create function service_events_enqueue_notification() returns trigger language plpgsql as $$
    begin
      -- The event id as text: bigint ids travel as strings (packages/db reads int8 as string).
      perform graphile_worker.add_job('notify_service_event', json_build_object('eventId', new.id::text));
      return null;
    end $$`.execute(db);
  // Only the actions that notify someone (packages/domain, notifyingActions; test/schema.test.ts compares): add_job
  // NOTIFYs its workers, and a transaction that notifies takes a database-wide lock at commit (see the provisioner's
  // wake-up, README "Provisioning"), which creates and edits, the busy path, need not pay for nothing.
  await sql`
    create trigger service_events_enqueue_notification after insert on service_events
    for each row
    when (new.action in ('submit', 'return', 'approve', 'reject', 'deactivate', 'retire', 'rotate_secret',
      'propose_change', 'approve_change', 'reject_change', 'rotate_production_secret', 'start_secret_cutover'))
    execute function service_events_enqueue_notification()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger service_events_enqueue_notification on service_events`.execute(db);
  await sql`drop function service_events_enqueue_notification()`.execute(db);
  await db.schema.dropTable('notifier_heartbeats').execute();
  await db.schema.dropTable('notification_preferences').execute();
  await db.schema.dropTable('notifications').execute();
}
