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

const portal = portalForTests(t, { apps: ['developer'] });
const jwks = jwksServerForTests(t);

t.before(async () => {
  await portal().stack.startNotifier();
});

/** A service the portal's developer submits for review, signing with the test's key set; its id. */
async function submittedWithKeySet(name: string): Promise<string> {
  return (await submittedService(portal(), name, ['system/Patient.rs'], jwks().url)).id;
}

/** Two decisions about the developer's services, each with the reviewer's words: a rejection, then a return. */
async function twoDecisions(tag: string) {
  const admin = portal().accounts.admin;
  const rejected = { name: `Claims archive ${tag}`, reason: 'Patient access is not needed for claims archiving.' };
  const returned = { name: `Eligibility sync ${tag}`, reason: 'Please describe where the data is stored.' };
  const rejectedId = await submittedWithKeySet(rejected.name);
  const returnedId = await submittedWithKeySet(returned.name);
  const reject = await admin.api('POST', `/admin/backend-services/${rejectedId}/reject`, { reason: rejected.reason });
  if (reject.status !== 200) throw new Error(`reject failed: ${JSON.stringify(reject.body)}`);
  const back = await admin.api('POST', `/admin/backend-services/${returnedId}/return`, { reason: returned.reason });
  if (back.status !== 200) throw new Error(`return failed: ${JSON.stringify(back.body)}`);
  return { rejected: { ...rejected, id: rejectedId }, returned: { ...returned, id: returnedId } };
}

for (const viewport of Object.values(VIEWPORTS)) {
  t.test(
    `tells the developer of decisions through the header's bell and the notifications list in a ${viewport.name} window`,
    async (t) => {
      const developer = portal().accounts.developer;
      await markAllNotificationsRead(developer);
      const { rejected, returned } = await twoDecisions(viewport.name);
      await unreadCountBecomes(developer, 2);

      const page = await signedInPage(portal(), developer, '/', { viewport });
      const bell = page.getByRole('link', { name: 'Notifications, 2 unread' });
      await bell.click();
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
      const list = page.getByRole('list', { name: 'Your notifications' });
      const items = list.getByRole('listitem');
      t.match(
        await items.nth(0).textContent(),
        new RegExp(`${returned.name} was returned to you for changes[\\s\\S]*${returned.reason}`),
        'newest first: the return, with its reason',
      );
      t.match(
        await items.nth(1).textContent(),
        new RegExp(`${rejected.name} was rejected[\\s\\S]*${rejected.reason}`),
        'then the rejection, with its reason',
      );
      await checkPageAtSize(t, page, { app: 'developer', page: 'notifications', viewport });

      const read = page.waitForResponse((response) => response.url().endsWith('/read'));
      await list.getByRole('link', { name: `${rejected.name} was rejected` }).click();
      await page.getByRole('heading', { name: rejected.name, level: 1 }).waitFor();
      t.equal((await read).status(), 204, 'opening a notification marks it read');
      await page.getByRole('link', { name: 'Notifications, 1 unread' }).click();
      await page.getByRole('button', { name: 'Mark all read' }).click();
      await page.getByRole('link', { name: 'Notifications, none unread' }).waitFor();
      t.pass('Mark all read leaves none unread');

      await page.getByRole('link', { name: 'E-mail settings' }).click();
      await page.getByRole('heading', { name: 'Notification settings', level: 1 }).waitFor();
      const rejections = page.getByRole('switch', { name: 'one of my services is rejected' });
      t.ok(await rejections.isChecked(), 'e-mail is on for every kind at first');
      t.notOk(
        await page.getByRole('switch', { name: 'a service is submitted for review' }).count(),
        "a developer is not offered the reviewers' kinds",
      );
      t.equal(
        await page.getByRole('switch', { name: 'one of my API tokens will expire within 7 days' }).count(),
        1,
        'nor left without the kind about expiring API tokens',
      );
      await checkPageAtSize(t, page, { app: 'developer', page: 'notification-settings', viewport });
      await rejections.click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const saved = await developer.api('GET', '/notification-preferences');
      t.equal(saved.body.email['service.rejected'], false, 'the choice is saved');
      t.equal(saved.body.email['service.returned'], true, 'the other kinds stay on');
      await developer.api('PUT', '/notification-preferences', { email: { 'service.rejected': true } });
      await page.close();
    },
  );
}

for (const viewport of Object.values(VIEWPORTS)) {
  t.test(
    `tells the developer of an API token about to expire and leads to the tokens page in a ${viewport.name} window`,
    async (t) => {
      await expiringTokenNoticeJourney(t, portal(), portal().accounts.developer, {
        app: 'developer',
        viewport,
        tokenName: `ci-deploy-${viewport.name}`,
        expiresInDays: 6,
      });
    },
  );
}
