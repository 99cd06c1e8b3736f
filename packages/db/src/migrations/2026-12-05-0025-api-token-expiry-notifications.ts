import { type Kysely, sql } from 'kysely';
import { setNotificationTypes } from './notification-kinds.ts';

// An API token about to expire tells its holder (issue 22). Until now every notification told of an audit event of a
// service; this one is about a person's token, so a notification is about (an event and its service) or (an API
// token), and the list orders by when the thing it tells of happened (`occurred_at`: the event's time, or when the scan
// found the token in the notice window) instead of by event id. The notifier's scan inserts one notice per token
// (unique below), whatever number of times it runs.
const TYPES_BEFORE = `'service.submitted', 'service.approved', 'service.rejected', 'service.returned',
  'service.deactivated', 'service.retired', 'secret.rotated', 'change_request.submitted', 'change_request.approved',
  'change_request.rejected', 'webhook.failing', 'provisioning.failed'`;

export async function up(db: Kysely<any>): Promise<void> {
  await setNotificationTypes(db, `${TYPES_BEFORE}, 'api_token.expiring'`);
  await sql`alter table notifications add column occurred_at timestamptz`.execute(db);
  await sql`update notifications n set occurred_at = e.created_at from service_events e where e.id = n.event_id`.execute(
    db,
  );
  await sql`alter table notifications
    alter column occurred_at set not null,
    alter column event_id drop not null,
    alter column service_id drop not null,
    add column api_token_id uuid references api_tokens (id) on delete cascade,
    add constraint notifications_subject_check check (
      (event_id is not null and service_id is not null and api_token_id is null)
      or (event_id is null and service_id is null and api_token_id is not null)
    )`.execute(db);
  await sql`create unique index notifications_api_token_user_type_key on notifications (api_token_id, user_id, type)
    where api_token_id is not null`.execute(db);
  // The list's keyset: when it happened, then the id (unique), newest first.
  await sql`drop index notifications_user_idx`.execute(db);
  await sql`create index notifications_user_idx on notifications (user_id, occurred_at desc, id desc)`.execute(db);
  // The notifier's hourly scan reads the live tokens expiring within the notice window: a range of this index.
  await sql`create index api_tokens_expiry_idx on api_tokens (expires_at) where revoked_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index api_tokens_expiry_idx`.execute(db);
  await sql`delete from notification_preferences where type = 'api_token.expiring'`.execute(db);
  await sql`delete from notifications where api_token_id is not null`.execute(db);
  await sql`drop index notifications_user_idx`.execute(db);
  await sql`create index notifications_user_idx on notifications (user_id, event_id desc)`.execute(db);
  await sql`drop index notifications_api_token_user_type_key`.execute(db);
  await sql`alter table notifications
    drop constraint notifications_subject_check,
    drop column api_token_id,
    alter column event_id set not null,
    alter column service_id set not null,
    drop column occurred_at`.execute(db);
  await setNotificationTypes(db, TYPES_BEFORE);
}
