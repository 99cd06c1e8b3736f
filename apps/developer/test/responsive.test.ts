import {
  canvasBeforeScripts,
  checkPageAtSize,
  documentColorScheme,
  emulateColorScheme,
  expectedNavigationVisit,
  focusIsWithin,
  focusRingContrast,
  followNavigationLink,
  jwksServerForTests,
  portalForTests,
  signedInPage,
  signedInPageInScheme,
  VIEWPORTS,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });
const jwks = jwksServerForTests(t);

// Names long enough to wrap in the dashboard's Name column, which is what squeezed the status badges to "UNDER…".
const LONG_NAMES = {
  draft: 'Nightly claims reconciliation export for the regional care management programme',
  underReview: 'Prior authorization bridge between the utilization management system and the payer',
  active: 'Member eligibility and coverage synchronisation for the partner pharmacy benefit manager',
};

/** Three services of the developer, one in each status a developer sees most: Draft, Under Review and Active. */
async function servicesInEachStatus(): Promise<{ underReview: string }> {
  const developer = portal().accounts.developer;
  const create = async (name: string) => {
    const created = await developer.api('POST', '/backend-services', {
      name,
      description: `${name}: a service of the responsive layout test`,
      authMethod: 'jwks_uri',
      jwksUri: jwks().url,
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs', 'system/Observation.r'],
    });
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    return created.body.id as string;
  };
  const submit = async (id: string) => {
    const submitted = await developer.api('POST', `/backend-services/${id}/submit`);
    if (submitted.status !== 200) throw new Error(`submit failed: ${JSON.stringify(submitted.body)}`);
  };
  const [, underReview, active] = await Promise.all([
    create(LONG_NAMES.draft),
    create(LONG_NAMES.underReview),
    create(LONG_NAMES.active),
  ]);
  await Promise.all([submit(underReview), submit(active)]);
  const approved = await portal().stack.admin.api('POST', `/admin/backend-services/${active}/approve`, {});
  if (approved.status !== 200) throw new Error(`approve failed: ${JSON.stringify(approved.body)}`);
  await portal().stack.waitForEnvironment(underReview, 'sandbox', 'ready');
  return { underReview };
}

let services: Promise<{ underReview: string }> | undefined;

t.test(
  "follows the operating system's colour scheme from the first paint on, and when it changes, with focus rings that stand out in the dark",
  async (t) => {
    const page = await signedInPageInScheme(portal(), portal().accounts.developer, '/', 'dark');
    await page.getByRole('heading', { name: 'Backend Services', level: 1 }).waitFor();
    t.match(await canvasBeforeScripts(page), { dark: true }, 'the browser paints a dark canvas before the app runs');
    t.match(await documentColorScheme(page), { attribute: 'dark', dark: true }, 'a dark system: a dark page');
    const signOut = page.getByRole('button', { name: 'Sign out' });
    for (let presses = 0; presses < 10 && !(await focusIsWithin(signOut)); presses += 1)
      await page.keyboard.press('Tab');
    t.ok(await focusIsWithin(signOut), 'the keyboard reaches Sign out');
    t.ok((await focusRingContrast(page)) >= 3, 'its focus ring stands out from the dark page by at least 3:1');
    await emulateColorScheme(page, 'light');
    t.match(await documentColorScheme(page), { attribute: 'light', dark: false }, 'switched to light: a light page');
    await page.close();
  },
);

for (const viewport of Object.values(VIEWPORTS)) {
  t.test(`uses the whole developer portal in a ${viewport.name} window`, async (t) => {
    services ??= servicesInEachStatus();
    const { underReview } = await services;
    const page = await signedInPage(portal(), portal().accounts.developer, '/', { viewport });

    const table = page.getByRole('table', { name: 'Your Backend Services' });
    for (const name of Object.values(LONG_NAMES)) await table.getByRole('link', { name }).waitFor();
    for (const status of ['Draft', 'Under Review', 'Active']) {
      await table.getByText(status, { exact: true }).waitFor();
    }
    await checkPageAtSize(t, page, { app: 'developer', page: 'dashboard', viewport });

    const visit = await followNavigationLink(page, 'API tokens');
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    const expected = expectedNavigationVisit(viewport);
    t.same(visit, expected.visit, expected.meaning);
    await page.getByRole('table', { name: 'Your API tokens' }).waitFor();
    await checkPageAtSize(t, page, { app: 'developer', page: 'api-tokens', viewport });

    await page.goto(`${portal().url}/services/new`);
    await page.getByRole('heading', { name: 'Register a Backend Service' }).waitFor();
    await page.getByRole('textbox', { name: 'JWKS URI' }).fill(jwks().url);
    await page.getByRole('button', { name: 'Check' }).click();
    const keys = page.getByRole('table', { name: 'Keys in the key set' });
    await keys.getByText('Usable', { exact: true }).waitFor();
    await checkPageAtSize(t, page, { app: 'developer', page: 'register', viewport });

    await page.goto(`${portal().url}/services/${underReview}`);
    await page.getByRole('heading', { name: LONG_NAMES.underReview }).waitFor();
    await page.getByRole('region', { name: 'Token request examples' }).waitFor();
    await checkPageAtSize(t, page, { app: 'developer', page: 'service', viewport });
    await page.close();
  });
}
