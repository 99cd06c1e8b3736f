import { type Kysely, sql } from 'kysely';
import { setNotificationTypes, setNotifyingActions } from './notification-kinds.ts';

// The notifier re-checks the key set of every Active `jwks_uri` service on a schedule and tells the owner once per
// failure episode (issue 22). `key_set_rechecks` holds each service's place in that schedule and whether it is in an
// episode; the start of an episode is a `jwks_check_failed` audit event (a system event, no actor), written in the same
// transaction that sets `failing_since`, which the audit trail's trigger turns into a `service.jwks_failing`
// notification. So this widens the kinds of notification (packages/domain NOTIFICATION_TYPES; test/schema.test.ts
// compares) and the trigger's actions (notifyingActions) by one each, as migration 0024 did.
const TYPES_BEFORE = `'service.submitted', 'service.approved', 'service.rejected', 'service.returned',
  'service.deactivated', 'service.retired', 'secret.rotated', 'change_request.submitted', 'change_request.approved',
  'change_request.rejected', 'webhook.failing', 'provisioning.failed', 'api_token.expiring'`;
const ACTIONS_BEFORE = `'submit', 'return', 'approve', 'reject', 'deactivate', 'retire', 'rotate_secret',
  'propose_change', 'approve_change', 'reject_change', 'rotate_production_secret', 'start_secret_cutover',
  'provisioning_failed'`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('key_set_rechecks')
    .addColumn('service_id', 'uuid', (c) => c.primaryKey().references('backend_services.id').onDelete('cascade'))
    // Due from then on; each service's time within the interval is derived from its id (the notifier's schedule).
    .addColumn('next_check_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_checked_at', 'timestamptz')
    .addColumn('last_verdict', 'text', (c) => c.check(sql`last_verdict in ('pass', 'fail')`))
    // Set while in a failure episode (its first failing check), cleared by a passing one.
    .addColumn('failing_since', 'timestamptz')
    // The key set URL that failed, and the first finding of its report, as the episode's event recorded them.
    .addColumn('failing_url', 'text')
    .addColumn('failing_finding', 'text')
    .execute();
  await db.schema.createIndex('key_set_rechecks_due').on('key_set_rechecks').column('next_check_at').execute();
  await setNotificationTypes(db, `${TYPES_BEFORE}, 'service.jwks_failing'`);
  await setNotifyingActions(db, `${ACTIONS_BEFORE}, 'jwks_check_failed'`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from notification_preferences where type = 'service.jwks_failing'`.execute(db);
  await sql`delete from notifications where type = 'service.jwks_failing'`.execute(db);
  await setNotificationTypes(db, TYPES_BEFORE);
  await setNotifyingActions(db, ACTIONS_BEFORE);
  await db.schema.dropTable('key_set_rechecks').execute();
}
