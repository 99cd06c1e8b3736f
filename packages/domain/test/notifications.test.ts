import t from 'tap';
import { LIFECYCLE_ACTIONS } from '../src/lifecycle.ts';
import {
  API_TOKEN_EXPIRY_NOTICE_DAYS,
  describeNotification,
  describeNotificationKind,
  isApiTokenNotificationType,
  isLifecycleAction,
  NOTIFICATION_TYPES,
  notificationFor,
  notificationForEvent,
  notificationKindsFor,
  notificationReason,
  notificationReasonLabel,
  SYSTEM_EVENT_ACTIONS,
} from '../src/notifications.ts';

t.test(
  'every kind of notification but a failing webhook and an expiring token is produced by some lifecycle action or system event',
  async (t) => {
    const produced = new Set(
      [...LIFECYCLE_ACTIONS, ...SYSTEM_EVENT_ACTIONS]
        .map((action) => notificationForEvent(action)?.type)
        .filter(Boolean),
    );
    t.same(
      [...produced].sort(),
      NOTIFICATION_TYPES.filter((type) => type !== 'webhook.failing' && type !== 'api_token.expiring').sort(),
    );
  },
);

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

t.test('each kind about a service reads as a sentence naming the service', async (t) => {
  for (const type of NOTIFICATION_TYPES) {
    if (isApiTokenNotificationType(type)) continue;
    t.match(describeNotification({ type, serviceName: 'Claims sync' }), 'Claims sync', type);
  }
});

t.test('an expiring token reads as a sentence naming the token and the day it expires, in UTC', async (t) => {
  t.equal(
    describeNotification({
      type: 'api_token.expiring',
      tokenName: 'ci-deploy',
      expiresAt: new Date('2026-12-12T23:30:00.000Z'),
    }),
    'Your API token “ci-deploy” expires on 12 December 2026',
  );
  t.equal(describeNotificationKind('api_token.expiring'), 'one of my API tokens will expire within 7 days');
  t.equal(API_TOKEN_EXPIRY_NOTICE_DAYS, 7, 'the issue’s window');
});

t.test('a notification shows the reviewer’s reason, or an approval’s note, and nothing blank', async (t) => {
  t.equal(notificationReason({ reason: 'Scopes too wide' }), 'Scopes too wide');
  t.equal(notificationReason({ note: 'Welcome aboard' }), 'Welcome aboard');
  t.equal(notificationReason({ reason: '   ' }), null);
  t.equal(notificationReason({ environments: ['sandbox'] }), null);
  t.equal(notificationReason({ note: 'Welcome aboard' }, 'webhook.failing'), null, 'a failing webhook repeats no note');
});

t.test('the e-mail settings offer each person the kinds that reach them, as sentences', async (t) => {
  const owners = notificationKindsFor('owner');
  const admins = notificationKindsFor('admins');
  t.same(
    [...new Set([...owners, ...admins])].sort(),
    [...NOTIFICATION_TYPES].sort(),
    'every kind reaches owners or administrators',
  );
  t.ok(owners.includes('provisioning.failed') && admins.includes('provisioning.failed'), 'a failure reaches both');
  t.ok(
    owners.includes('api_token.expiring') && admins.includes('api_token.expiring'),
    'developers and administrators both hold API tokens',
  );
  t.ok(owners.includes('service.rejected'), 'a developer chooses about rejections');
  t.ok(admins.includes('service.submitted'), 'an administrator chooses about submissions');
  for (const type of NOTIFICATION_TYPES) {
    t.notMatch(describeNotificationKind(type), /[._]/, `${type} reads as words, not a type id`);
  }
});

t.test(
  'a provisioning failure after its retries goes to the owner and the administrators, with its error',
  async (t) => {
    t.same(notificationForEvent('provisioning_failed'), { type: 'provisioning.failed', audience: 'owner_and_admins' });
    t.equal(notificationForEvent('approve'), notificationFor('approve'), 'lifecycle actions keep their rules');
    t.equal(notificationForEvent('forged'), null);
    t.equal(notificationReason({ environment: 'production', error: 'Aidbox answered 500' }), 'Aidbox answered 500');
  },
);

t.test(
  'a key set that starts failing its scheduled check goes to the owner alone, with what the check found',
  async (t) => {
    t.same(notificationForEvent('jwks_check_failed'), { type: 'service.jwks_failing', audience: 'owner' });
    t.ok(notificationKindsFor('owner').includes('service.jwks_failing'), 'a developer chooses about failing key sets');
    t.notOk(notificationKindsFor('admins').includes('service.jwks_failing'), 'administrators are not told');
    const finding =
      'The server at https://keys.example/jwks answered HTTP 500 instead of the key set (HTTP 200): check the URL.';
    t.equal(
      notificationReason({ jwksUri: 'https://keys.example/jwks', error: finding }, 'service.jwks_failing'),
      finding,
    );
    t.equal(notificationReasonLabel('service.jwks_failing'), 'What the check found');
    t.match(
      describeNotification({ type: 'service.jwks_failing', serviceName: 'Claims sync' }),
      /^The key set of Claims sync failed its scheduled check/,
    );
  },
);
