import {
  accessibilityFindings,
  chooseScope,
  jwksServerForTests,
  type Page,
  type PortalAccount,
  portalForTests,
  saveScreenshot,
  signedInPage,
} from '@payerbox/browser-testing';
import t, { type Test } from 'tap';

// The shortest session the portal allows (5 minutes), so that every session is inside the end-of-session warning.
const portal = portalForTests(t, { apps: ['developer'], config: { SESSION_ABSOLUTE_MINUTES: '5' } });
const jwks = jwksServerForTests(t);

const signedIn = (account: PortalAccount, path?: string) => signedInPage(portal(), account, path);

/** The drafts this tab keeps in sessionStorage, as key → stored text. */
async function storedDrafts(page: Page): Promise<Record<string, string>> {
  // A string, evaluated in the page: the test's own TypeScript has no DOM types.
  return page.evaluate<Record<string, string>>(
    `Object.fromEntries(Object.keys(sessionStorage).filter((key) => key.startsWith('payerbox:draft:'))
      .map((key) => [key, sessionStorage.getItem(key)]))`,
  );
}

/** Ends the session behind the SPA's back (the portal's and the identity provider's cookies are gone). */
async function endSession(page: Page) {
  await page.context().clearCookies();
}

/** Signs in at the identity provider's login form the SPA sent the browser to, and waits to be back on the portal. */
async function signInAgain(t: Test, page: Page, account: PortalAccount) {
  const email = page.locator('form input[name="email"]');
  await email.waitFor();
  t.ok(page.url().startsWith(new URL(portal().issuer).origin), 'the SPA sent the browser to sign in');
  await email.fill(account.email);
  await page.locator('form input[name="password"]').fill(account.password);
  await page.locator('form [type="submit"]').click();
  await page.waitForURL((url) => url.origin === new URL(portal().url).origin);
}

const scopePreview = (page: Page) => page.getByTestId('scope-preview').locator('code').allTextContents();

t.test('brings back what was typed in Register New after the session ended and the user signed in again', async (t) => {
  const account = portal().accounts.developer;
  const page = await signedIn(account, '/services/new');
  await page.getByRole('heading', { name: 'Register a Backend Service' }).waitFor();
  const warning = page.getByRole('alert').filter({ hasText: 'Your session ends soon' });
  t.equal(await warning.count(), 0, 'an untouched form does not warn');

  const name = page.getByRole('textbox', { name: 'Name' });
  const description = page.getByRole('textbox', { name: 'Description' });
  const jwksUri = page.getByRole('textbox', { name: 'JWKS URI' });
  await name.fill('Claims sync');
  await description.fill('Nightly claims export');
  await jwksUri.fill(jwks().url);
  await chooseScope(page, 1, 'Patient', ['Read', 'Search']);
  await warning.waitFor();
  t.match(await warning.textContent(), /Send this form before then/, 'a form with input warns of the session’s end');
  t.equal(Object.keys(await storedDrafts(page)).length, 1, 'the input is kept in this tab');

  await endSession(page);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await signInAgain(t, page, account);

  await page.getByRole('heading', { name: 'Register a Backend Service' }).waitFor();
  const restored = page.getByRole('alert').filter({ hasText: 'Restored what you had typed' });
  await restored.waitFor();
  t.equal(await name.inputValue(), 'Claims sync');
  t.equal(await description.inputValue(), 'Nightly claims export');
  t.equal(await jwksUri.inputValue(), jwks().url);
  t.same(await scopePreview(page), ['system/Patient.rs'], 'the scopes come back as they were ticked');
  await saveScreenshot(page, 'developer-register-restored');
  t.same(await accessibilityFindings(page), [], 'no serious or critical accessibility violation on the restored form');

  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: 'Claims sync' }).waitFor();
  t.same(await storedDrafts(page), {}, 'a registered service leaves no draft behind');
  await page.close();
});

t.test('brings back a token name after signing in again, keeps no token, and forgets it when discarded', async (t) => {
  const account = portal().accounts.developer2;
  const page = await signedIn(account, '/api-tokens');
  const name = page.getByRole('textbox', { name: 'Token name' });
  await name.fill('Release pipeline');
  await page.getByRole('alert').filter({ hasText: 'Your session ends soon' }).waitFor();

  await endSession(page);
  await page.getByRole('button', { name: 'Create token' }).click();
  await signInAgain(t, page, account);

  await page.getByRole('alert').filter({ hasText: 'Restored what you had typed' }).waitFor();
  t.equal(await name.inputValue(), 'Release pipeline');
  await page.getByRole('button', { name: 'Discard' }).click();
  t.equal(await name.inputValue(), '', 'Discard empties the form');
  t.equal(await page.getByText('Restored what you had typed').count(), 0, 'the notice is gone');
  t.same(await storedDrafts(page), {}, 'a discarded draft is forgotten');

  // A token issued later is never kept: its form starts over and the tab holds no draft.
  await name.fill('Nightly export');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your new API token' });
  await dialog.waitFor();
  const token = (await dialog.getByLabel('API token', { exact: true }).textContent()) ?? '';
  const drafts = await storedDrafts(page);
  t.same(drafts, {}, 'nothing is kept once the token is created');
  t.notMatch(JSON.stringify(drafts), token, 'the token value is never stored');
  await page.close();
});

t.test('keeps no draft of an untouched Edit form, and brings back an edited one until it is saved', async (t) => {
  const account = portal().accounts.developer;
  const created = await account.api('POST', '/backend-services', {
    name: 'Care gaps',
    authMethod: 'client_secret',
    scopeVersion: 'v1',
    scopes: ['system/Patient.read', 'system/Observation.read'],
  });
  t.equal(created.status, 201);
  const page = await signedIn(account, `/services/${created.body.id}/edit`);
  const name = page.getByRole('textbox', { name: 'Name' });
  await name.waitFor();
  t.equal(await name.inputValue(), 'Care gaps');
  t.same(await storedDrafts(page), {}, 'the service as stored is no draft');

  await name.fill('Care gaps nightly');
  await page.reload();
  await page.getByRole('alert').filter({ hasText: 'Restored what you had typed' }).waitFor();
  t.equal(await name.inputValue(), 'Care gaps nightly');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('heading', { name: 'Care gaps nightly' }).waitFor();
  t.same(await storedDrafts(page), {}, 'a saved edit leaves no draft behind');
  await page.close();
});
