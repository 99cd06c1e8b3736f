import {
  canvasBeforeScripts,
  checkPageAtSize,
  documentColorScheme,
  emulateColorScheme,
  expectedNavigationVisit,
  followNavigationLink,
  portalForTests,
  signedInPage,
  signedInPageInScheme,
  VIEWPORTS,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['admin'] });

// Names long enough to wrap in the list's Name column, which is what squeezed the status badges to "UNDER…".
const LONG_NAMES = {
  waiting: 'Prior authorization bridge between the utilization management system and the payer',
  active: 'Member eligibility and coverage synchronisation for the partner pharmacy benefit manager',
};

/** Two submitted services of a developer, one of them approved: the queue, the list and the audit log have rows. */
async function servicesToReview(): Promise<{ waiting: string }> {
  const developer = portal().accounts.developer;
  const submitted = async (name: string) => {
    const created = await developer.api('POST', '/backend-services', {
      name,
      description: `${name}: a service of the responsive layout test`,
      authMethod: 'client_secret',
      scopeVersion: 'v2',
      scopes: ['system/*.rs', 'system/Observation.cud'],
    });
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    const submit = await developer.api('POST', `/backend-services/${created.body.id}/submit`);
    if (submit.status !== 200) throw new Error(`submit failed: ${JSON.stringify(submit.body)}`);
    return created.body.id as string;
  };
  const [waiting, active] = await Promise.all([submitted(LONG_NAMES.waiting), submitted(LONG_NAMES.active)]);
  const approved = await portal().accounts.admin.api('POST', `/admin/backend-services/${active}/approve`, {});
  if (approved.status !== 200) throw new Error(`approve failed: ${JSON.stringify(approved.body)}`);
  await portal().stack.waitForEnvironment(waiting, 'sandbox', 'ready');
  return { waiting };
}

let services: Promise<{ waiting: string }> | undefined;

t.test("follows the operating system's colour scheme from the first paint on, and when it changes", async (t) => {
  const page = await signedInPageInScheme(portal(), portal().accounts.admin, '/admin/', 'dark');
  await page.getByRole('heading', { name: 'Review queue', level: 1 }).waitFor();
  t.match(await canvasBeforeScripts(page), { dark: true }, 'the browser paints a dark canvas before the app runs');
  t.match(await documentColorScheme(page), { attribute: 'dark', dark: true }, 'a dark system: a dark page');
  await emulateColorScheme(page, 'light');
  t.match(await documentColorScheme(page), { attribute: 'light', dark: false }, 'switched to light: a light page');
  await page.close();
});

for (const viewport of Object.values(VIEWPORTS)) {
  t.test(`uses the whole admin portal in a ${viewport.name} window`, async (t) => {
    services ??= servicesToReview();
    const { waiting } = await services;
    const page = await signedInPage(portal(), portal().accounts.admin, '/admin/', { viewport });

    await page
      .getByRole('table', { name: 'Waiting for review' })
      .getByRole('link', { name: LONG_NAMES.waiting })
      .waitFor();
    await checkPageAtSize(t, page, { app: 'admin', page: 'review-queue', viewport });

    const visit = await followNavigationLink(page, 'All services');
    const expected = expectedNavigationVisit(viewport);
    t.same(visit, expected.visit, expected.meaning);
    const list = page.getByRole('table', { name: 'All services' });
    for (const status of ['Under Review', 'Active']) await list.getByText(status, { exact: true }).waitFor();
    await checkPageAtSize(t, page, { app: 'admin', page: 'services', viewport });

    await page.goto(`${portal().url}/admin/services/${waiting}`);
    await page.getByRole('heading', { name: LONG_NAMES.waiting }).waitFor();
    await page.getByRole('table', { name: 'Scopes by resource and operation' }).waitFor();
    await page.getByRole('region', { name: 'Sandbox' }).getByText('Ready', { exact: true }).waitFor();
    await checkPageAtSize(t, page, { app: 'admin', page: 'review', viewport });

    await followNavigationLink(page, 'Audit log');
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Audit events' }).getByText(LONG_NAMES.active).first().waitFor();
    await checkPageAtSize(t, page, { app: 'admin', page: 'audit-log', viewport });
    await page.close();
  });
}
