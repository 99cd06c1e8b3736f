import {
  checkPageAtSize,
  expiringTokenNoticeJourney,
  jwksServerForTests,
  markAllNotificationsRead,
  portalForTests,
  signedInPage,
  submittedService,
  unreadCountBecomes,
  VIEWPORTS,
} from '@payerbox/browser-testing';
import t from 'tap';

// The developer portal too: an administrator's API tokens are managed on its API tokens page.
const portal = portalForTests(t, { apps: ['admin', 'developer'] });
const jwks = jwksServerForTests(t);

t.before(async () => {
  await portal().stack.startNotifier();
});

/** A service the portal's developer submits for review, signing with the test's key set; its id. */
async function submittedWithKeySet(name: string): Promise<string> {
  return (await submittedService(portal(), name, ['system/Patient.rs'], jwks().url)).id;
}

for (const viewport of Object.values(VIEWPORTS)) {
  t.test(
    `tells the administrator of a submission through the bell and the notifications list in a ${viewport.name} window`,
    async (t) => {
      const admin = portal().accounts.admin;
      await markAllNotificationsRead(admin);
      const name = `Prior authorization bridge ${viewport.name}`;
      await submittedWithKeySet(name);
      await unreadCountBecomes(admin, 1);

      const page = await signedInPage(portal(), admin, '/admin/', { viewport });
      await page.getByRole('link', { name: 'Notifications, 1 unread' }).click();
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
      const list = page.getByRole('list', { name: 'Your notifications' });
      const submitted = list.getByRole('link', { name: `${name} was submitted for review` });
      await submitted.waitFor();
      await checkPageAtSize(t, page, { app: 'admin', page: 'notifications', viewport });

      const read = page.waitForResponse((response) => response.url().endsWith('/read'));
      await submitted.click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      t.equal((await read).status(), 204, 'opening the notification marks it read');
      await page.getByRole('link', { name: 'Notifications, none unread' }).click();
      // The list may show its cached page first; it settles on the answer after the read.
      await page.getByRole('button', { name: 'Mark all read', disabled: true }).waitFor();
      t.pass('with none unread there is nothing to mark');

      await page.getByRole('link', { name: 'E-mail settings' }).click();
      await page.getByRole('heading', { name: 'Notification settings', level: 1 }).waitFor();
      const submissions = page.getByRole('switch', { name: 'a service is submitted for review' });
      t.ok(await submissions.isChecked(), 'e-mail about submissions is on at first');
      t.notOk(
        await page.getByRole('switch', { name: 'one of my services is rejected' }).count(),
        "an administrator is not offered the owners' kinds",
      );
      t.equal(
        await page.getByRole('switch', { name: 'one of my API tokens will expire within 7 days' }).count(),
        1,
        'an administrator holds API tokens too, and is offered their kind',
      );
      await checkPageAtSize(t, page, { app: 'admin', page: 'notification-settings', viewport });
      await submissions.click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const saved = await admin.api('GET', '/notification-preferences');
      t.equal(saved.body.email['service.submitted'], false, 'the choice is saved');
      await admin.api('PUT', '/notification-preferences', { email: { 'service.submitted': true } });
      await page.close();
    },
  );
}

for (const viewport of Object.values(VIEWPORTS)) {
  t.test(
    `tells the administrator of an API token about to expire and leads to the tokens page in a ${viewport.name} window`,
    async (t) => {
      await expiringTokenNoticeJourney(t, portal(), portal().accounts.admin, {
        app: 'admin',
        viewport,
        tokenName: `audit-export-${viewport.name}`,
        expiresInDays: 3,
      });
    },
  );
}
