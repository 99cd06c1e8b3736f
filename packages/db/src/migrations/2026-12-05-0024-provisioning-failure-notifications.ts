import { type Kysely, sql } from 'kysely';
import { setNotificationTypes, setNotifyingActions } from './notification-kinds.ts';

// A provisioning failure after its retries notifies the owner and the administrators (issue 22). The provisioner records
// it as a `provisioning_failed` audit event in the transaction that marks the environment failed, so this widens the
// kinds of notification (packages/domain NOTIFICATION_TYPES; test/schema.test.ts compares) and the trigger's actions
// (notifyingActions) by one each.
const TYPES_BEFORE = `'service.submitted', 'service.approved', 'service.rejected', 'service.returned',
  'service.deactivated', 'service.retired', 'secret.rotated', 'change_request.submitted', 'change_request.approved',
  'change_request.rejected', 'webhook.failing'`;
const ACTIONS_BEFORE = `'submit', 'return', 'approve', 'reject', 'deactivate', 'retire', 'rotate_secret',
  'propose_change', 'approve_change', 'reject_change', 'rotate_production_secret', 'start_secret_cutover'`;

export async function up(db: Kysely<any>): Promise<void> {
  await setNotificationTypes(db, `${TYPES_BEFORE}, 'provisioning.failed'`);
  await setNotifyingActions(db, `${ACTIONS_BEFORE}, 'provisioning_failed'`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from notification_preferences where type = 'provisioning.failed'`.execute(db);
  await sql`delete from notifications where type = 'provisioning.failed'`.execute(db);
  await setNotificationTypes(db, TYPES_BEFORE);
  await setNotifyingActions(db, ACTIONS_BEFORE);
}
