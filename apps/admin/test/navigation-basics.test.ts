import {
  accessibilityFindings,
  currentNavigationItems,
  focusedHeading,
  inDocumentOrder,
  portalForTests,
  signedInPage,
  startJwksServer,
  submittedService,
  titleBecomes,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['admin'] });

const PRODUCT = 'Payerbox Admin Portal';

const signedIn = (path = '/admin/') => signedInPage(portal(), portal().accounts.admin, path);

const suffix = () => Math.random().toString(16).slice(2, 8);

t.test('names each page in the window title and moves focus to its heading on navigation', async (t) => {
  const page = await signedIn();
  await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
  await titleBecomes(page, `Review queue · ${PRODUCT}`);

  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Audit log' }).click();
  await titleBecomes(page, `Audit log · ${PRODUCT}`);
  t.equal(await focusedHeading(page), 'Audit log', 'the new page’s heading has focus');
  t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation with the heading focused');

  await nav.getByRole('link', { name: 'All services' }).click();
  await titleBecomes(page, `All services · ${PRODUCT}`);
  t.equal(await focusedHeading(page), 'All services');
  await page.close();
});

t.test('offers "Skip to content" as the first Tab stop, and it moves focus to the page', async (t) => {
  const page = await signedIn();
  await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
  await page.keyboard.press('Tab');
  t.equal(await page.locator(':focus').textContent(), 'Skip to content', 'the skip link is the first Tab stop');
  await page.keyboard.press('Enter');
  t.equal(await page.locator('main:focus').count(), 1, 'the page has focus');
  await page.close();
});

t.test('sends a reviewer from an unknown address to the review queue, which exists', async (t) => {
  const page = await signedIn('/admin/no-such-page');
  await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
  await titleBecomes(page, `Not found · ${PRODUCT}`);
  t.equal(await page.getByRole('link', { name: /dashboard/i }).count(), 0, 'no link to a dashboard the admin lacks');
  await page.getByRole('main').getByRole('link', { name: 'Go to the review queue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
  t.match(new URL(page.url()).pathname, /^\/admin\/?$/);
  await page.close();
});

t.test('shows the portal’s icon in the browser tab', async (t) => {
  const page = await signedIn();
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  t.equal(href, '/admin/favicon.svg', 'the icon lives under the admin portal’s base');
  const icon = await page.request.get(new URL(href ?? '', page.url()).href);
  t.equal(icon.status(), 200, 'the icon is served');
  t.match(icon.headers()['content-type'], /^image\/svg\+xml/);
  t.ok((await icon.body()).length < 1024, 'and it is tiny');
  await page.close();
});

t.test(
  'keeps "Review queue" current on a service opened from the queue, whose evidence comes before the decision',
  async (t) => {
    const jwks = await startJwksServer();
    t.teardown(() => jwks.close());
    const service = await submittedService(portal(), `Evidence first ${suffix()}`, ['system/Patient.rs'], jwks.url);
    const page = await signedIn();
    await page.getByRole('table', { name: 'Waiting for review' }).getByRole('link', { name: service.name }).click();
    await page.getByRole('heading', { level: 1, name: service.name }).waitFor();
    t.same(await currentNavigationItems(page), ['Review queue'], 'the queue is the current navigation item');

    const main = page.getByRole('main');
    const jwksReport = main.getByRole('region', { name: 'JWKS check report' });
    await jwksReport.getByText('The key set passes').waitFor();
    t.ok(
      await inDocumentOrder(
        main.getByRole('table', { name: 'Service overview' }),
        main.getByRole('region', { name: 'Scopes', exact: true }),
        jwksReport,
        main.getByRole('region', { name: 'Decision' }),
      ),
      'the overview, the scopes and the JWKS check come before the decision',
    );
    await main.getByRole('link', { name: '← Review queue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();

    await page.goto(`${portal().url}/admin/services/${service.id}`);
    await page.getByRole('heading', { level: 1, name: service.name }).waitFor();
    t.same(await currentNavigationItems(page), ['All services'], 'opened by its address, it is one of all services');
    await page.close();
  },
);
