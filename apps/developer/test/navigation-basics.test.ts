import {
  accessibilityFindings,
  chooseOption,
  chooseScope,
  currentNavigationItems,
  focusedHeading,
  jwksServerForTests,
  type Page,
  portalForTests,
  signedInPage,
  titleBecomes,
} from '@payerbox/browser-testing';
import t, { type Test } from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });
const jwks = jwksServerForTests(t);

const PRODUCT = 'Payerbox Developer Portal';

/** A draft of the test's developer, named `name`; its id. */
async function draft(name: string): Promise<string> {
  const created = await portal().accounts.developer.api('POST', '/backend-services', {
    name,
    description: `${name}: a service of the navigation test`,
    authMethod: 'jwks_uri',
    jwksUri: jwks().url,
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

const suffix = () => Math.random().toString(16).slice(2, 8);

t.test('names each page in the window title and moves focus to its heading on navigation', async (t) => {
  const name = `Claims sync ${suffix()}`;
  await draft(name);
  const page = await signedInPage(portal(), portal().accounts.developer);
  await page.getByRole('heading', { level: 1, name: 'Backend Services' }).waitFor();
  await titleBecomes(page, `Backend Services · ${PRODUCT}`);

  await page.getByRole('link', { name }).click();
  await titleBecomes(page, `${name} · ${PRODUCT}`);
  t.equal(await focusedHeading(page), name, 'the service page’s heading has focus');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
  await titleBecomes(page, `API tokens · ${PRODUCT}`);
  t.equal(await focusedHeading(page), 'API tokens', 'a navigation link moves focus to the new heading');
  t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation with the heading focused');
  await page.close();
});

t.test('offers "Skip to content" as the first Tab stop, and it moves focus to the page', async (t) => {
  const page = await signedInPage(portal(), portal().accounts.developer);
  await page.getByRole('heading', { level: 1, name: 'Backend Services' }).waitFor();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  t.equal(await page.locator(':focus').textContent(), 'Skip to content', 'the skip link is the first Tab stop');
  t.ok(await skip.isVisible(), 'and it shows once focused');
  await page.keyboard.press('Enter');
  t.equal(await page.locator('main:focus').count(), 1, 'the page has focus');
  t.equal(new URL(page.url()).hash, '', 'without changing the address');
  await page.keyboard.press('Tab');
  t.ok(
    (await page.getByRole('main').locator(':focus').count()) === 1,
    'the next Tab stop is in the page, past the header and navigation',
  );
  await page.close();
});

t.test('keeps the dashboard search and status filter in the address across a reload and Back', async (t) => {
  const tag = suffix();
  const draftName = `Claims sync ${tag}`;
  const draftId = await draft(draftName);
  const submitted = await draft(`Claims archive ${tag}`);
  t.equal((await portal().accounts.developer.api('POST', `/backend-services/${submitted}/submit`)).status, 200);

  const page = await signedInPage(portal(), portal().accounts.developer);
  const table = page.getByRole('table', { name: 'Your Backend Services' });
  const search = page.getByRole('textbox', { name: 'Search by name' });
  const status = page.getByRole('combobox', { name: 'Status' });
  await table.waitFor();
  await search.fill(tag);
  await page.waitForURL((url) => url.searchParams.get('q') === tag);
  await chooseOption(status, 'Draft');
  await page.waitForURL((url) => url.searchParams.get('status') === 'draft' && url.searchParams.get('q') === tag);
  await table.getByRole('link', { name: `Claims archive ${tag}` }).waitFor({ state: 'detached' });

  const expectFiltered = async (when: string) => {
    await table.getByRole('link', { name: draftName }).waitFor();
    t.equal(await search.inputValue(), tag, `${when}: the search text is kept`);
    t.equal(await status.inputValue(), 'Draft', `${when}: the status filter is kept`);
    t.same(await table.getByRole('link').allTextContents(), [draftName], `${when}: the list is filtered`);
  };
  await page.reload();
  await expectFiltered('after a reload');

  await table.getByRole('link', { name: draftName }).click();
  await page.getByRole('heading', { level: 1, name: draftName }).waitFor();
  t.match(page.url(), draftId);
  await page.goBack();
  await expectFiltered('after Back from the service');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backend Services' }).click();
  await page.waitForURL((url) => url.search === '');
  await table.getByRole('link', { name: `Claims archive ${tag}` }).waitFor();
  t.equal(await search.inputValue(), '', 'the Backend Services link clears the search box with the address');
  t.equal(await status.inputValue(), 'All statuses', 'and the status filter');
  await page.close();
});

t.test('opens a newly created service at the top of its page', async (t) => {
  const name = `Scroll check ${suffix()}`;
  const page = await signedInPage(portal(), portal().accounts.developer, '/services/new', {
    viewport: { width: 1280, height: 640 },
  });
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('textbox', { name: 'JWKS URI' }).fill(jwks().url);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByRole('region', { name: 'JWKS check report' }).getByText('The key set passes').waitFor();
  await chooseScope(page, 1, 'Patient', ['Read']);

  const create = page.getByRole('button', { name: 'Create', exact: true });
  await create.scrollIntoViewIfNeeded();
  t.ok(
    (await page.evaluate<number>('document.scrollingElement.scrollTop')) > 0,
    'the form is scrolled down to its Create button',
  );
  t.same(await currentNavigationItems(page), ['Backend Services'], 'Register New is a Backend Services page');
  await create.click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  t.equal(await page.evaluate<number>('document.scrollingElement.scrollTop'), 0, 'the service page starts at its top');
  t.same(await currentNavigationItems(page), ['Backend Services'], 'so is a service page');
  await page.close();
});

t.test('confirms on the dashboard that a draft was deleted', async (t) => {
  const name = `Short-lived draft ${suffix()}`;
  const id = await draft(name);
  const page = await signedInPage(portal(), portal().accounts.developer, `/services/${id}`);
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete this draft?' }).getByRole('button', { name: 'Delete' }).click();

  const notice = page.getByRole('status').filter({ hasText: 'Draft deleted' });
  await notice.waitFor();
  t.match(await notice.textContent(), `"${name}" and its sandbox client were deleted.`);
  t.equal(new URL(page.url()).pathname, '/', 'on the dashboard');
  t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation with the notice');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await notice.waitFor({ state: 'detached' });
  await page.reload();
  await page.getByRole('table', { name: 'Your Backend Services' }).waitFor();
  t.equal(await notice.count(), 0, 'a dismissed notice does not come back on reload');
  await page.close();
});

/** The page links an SVG icon that the portal serves. */
async function expectFavicon(t: Test, page: Page): Promise<void> {
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  t.ok(href, 'the page links an icon');
  const icon = await page.request.get(new URL(href ?? '', page.url()).href);
  t.equal(icon.status(), 200, 'the icon is served');
  t.match(icon.headers()['content-type'], /^image\/svg\+xml/);
  t.ok((await icon.body()).length < 1024, 'and it is tiny');
}

t.test('shows the portal’s icon in the browser tab', async (t) => {
  const page = await signedInPage(portal(), portal().accounts.developer);
  await expectFavicon(t, page);
  await page.close();
});
