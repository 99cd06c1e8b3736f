import {
  accessibilityFindings,
  type Page,
  portalForTests,
  signedInPage,
  submittedService,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['admin'] });

/** The drafts this tab keeps in sessionStorage (evaluated in the page: the test's TypeScript has no DOM types). */
const storedDraftKeys = (page: Page) =>
  page.evaluate<string[]>(`Object.keys(sessionStorage).filter((key) => key.startsWith('payerbox:draft:'))`);

t.test('brings back a reject reason after the session ended and the admin signed in again', async (t) => {
  const service = await submittedService(portal(), 'Member roster');
  const admin = portal().accounts.admin;
  const page = await signedInPage(portal(), admin, `/admin/services/${service.id}`);
  await page.getByRole('heading', { name: service.name }).waitFor();
  const reason = page.getByRole('textbox', { name: 'Reason' });
  await reason.fill('Patient search is not justified by the description');

  // The session ends behind the SPA's back; the confirmed Reject then sends the browser to sign in.
  await page.context().clearCookies();
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.getByRole('dialog', { name: 'Reject this service?' }).getByRole('button', { name: 'Reject' }).click();
  const email = page.locator('form input[name="email"]');
  await email.waitFor();
  await email.fill(admin.email);
  await page.locator('form input[name="password"]').fill(admin.password);
  await page.locator('form [type="submit"]').click();

  await page.getByRole('heading', { name: service.name }).waitFor();
  await page.getByRole('alert').filter({ hasText: 'Restored what you had typed' }).waitFor();
  t.equal(await reason.inputValue(), 'Patient search is not justified by the description');
  t.same(await accessibilityFindings(page), [], 'no serious or critical accessibility violation with the notice');

  await page.getByRole('button', { name: 'Reject' }).click();
  await page.getByRole('dialog', { name: 'Reject this service?' }).getByRole('button', { name: 'Reject' }).click();
  await page.getByText('Rejected. The developer sees your reason').waitFor();
  t.same(await storedDraftKeys(page), [], 'a decision made leaves no draft behind');
  await page.close();
});
