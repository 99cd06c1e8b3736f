import t from 'tap';
import { LIFECYCLE_ACTIONS } from '../src/lifecycle.ts';
import {
  describeNotification,
  isLifecycleAction,
  NOTIFICATION_TYPES,
  notificationFor,
  notificationReason,
} from '../src/notifications.ts';

t.test('every kind of notification but a failing webhook is produced by some lifecycle action', async (t) => {
  const produced = new Set(LIFECYCLE_ACTIONS.map((action) => notificationFor(action)?.type).filter(Boolean));
  t.same([...produced].sort(), NOTIFICATION_TYPES.filter((type) => type !== 'webhook.failing').sort());
});

t.test('decisions go to the owner and submissions to the administrators', async (t) => {
  t.same(notificationFor('submit'), { type: 'service.submitted', audience: 'admins' });
  for (const action of ['approve', 'reject', 'return', 'deactivate', 'rotate_secret'] as const) {
    t.equal(notificationFor(action)?.audience, 'owner', action);
  }
});

t.test('a change request waiting for review goes to the administrators, its decision to the owner', async (t) => {
  t.same(notificationFor('propose_change'), { type: 'change_request.submitted', audience: 'admins' });
  t.same(notificationFor('approve_change'), { type: 'change_request.approved', audience: 'owner' });
  t.same(notificationFor('reject_change'), { type: 'change_request.rejected', audience: 'owner' });
  t.equal(notificationFor('apply_change'), null, 'a narrowing change the owner applied needs no review');
  t.equal(notificationFor('withdraw_change'), null, 'nor does the owner’s own withdrawal');
});

t.test('the owner’s own drafting and an administrator’s repair notify nobody', async (t) => {
  for (const action of ['create', 'edit', 'delete', 'withdraw', 'copy', 'resync'] as const) {
    t.equal(notificationFor(action), null, action);
  }
});

t.test('an audit event’s action is recognised only when the lifecycle names it', async (t) => {
  t.ok(isLifecycleAction('approve'));
  t.notOk(isLifecycleAction('toString'), 'not an inherited property');
  t.notOk(isLifecycleAction('forged'));
});

t.test('each kind reads as a sentence naming the service', async (t) => {
  for (const type of NOTIFICATION_TYPES) t.match(describeNotification(type, 'Claims sync'), 'Claims sync');
});

t.test('a notification shows the reviewer’s reason, or an approval’s note, and nothing blank', async (t) => {
  t.equal(notificationReason({ reason: 'Scopes too wide' }), 'Scopes too wide');
  t.equal(notificationReason({ note: 'Welcome aboard' }), 'Welcome aboard');
  t.equal(notificationReason({ reason: '   ' }), null);
  t.equal(notificationReason({ environments: ['sandbox'] }), null);
  t.equal(notificationReason({ note: 'Welcome aboard' }, 'webhook.failing'), null, 'a failing webhook repeats no note');
});
