import {
  accessibilityInEachScheme,
  chooseResource,
  type Page,
  portalForTests,
  saveScreenshot,
  scopeOperations,
  signedInPage,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });

async function ticked(page: Page, row: number): Promise<string[]> {
  const boxes = scopeOperations(page, row).getByRole('checkbox');
  const labels: string[] = [];
  for (const box of await boxes.all()) {
    if (await box.isChecked()) labels.push((await box.getAttribute('value')) ?? '');
  }
  return labels;
}

t.test(
  'the ticks follow what the scopes grant, broad scopes are warned about, and rows without a resource or with a repeated one are refused',
  async (t) => {
    const page = await signedInPage(portal(), portal().accounts.developer, '/services/new');
    let creates = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith('/api/v1/backend-services'))
        creates++;
    });
    await page.getByRole('textbox', { name: 'Name' }).fill('Claims sync');
    await page.getByRole('textbox', { name: 'JWKS URI' }).fill('https://keys.example.com/jwks.json');
    const preview = page.getByTestId('scope-preview').locator('code');

    // Update alone in v2, then v1: the scope is write, so Create, Update and Delete are ticked and a notice says why.
    await chooseResource(page, 1, 'Patient');
    await scopeOperations(page, 1).getByRole('checkbox', { name: 'Update' }).check();
    await preview.filter({ hasText: 'system/Patient.u' }).waitFor();
    await page.getByText('v1 (SMART 1.0)').click();
    await preview.filter({ hasText: 'system/Patient.write' }).waitFor();
    t.same(await ticked(page, 1), ['c', 'u', 'd'], 'Create, Update and Delete ticked, as write grants');
    await page.getByTestId('scope-widened').filter({ hasText: 'Patient also gets Create and Delete' }).waitFor();
    await page.getByTestId('scope-broad').filter({ hasText: 'write or delete access' }).waitFor();

    // In v1 unticking Delete unticks the whole write group: nothing stays ticked that the scope would not grant.
    await scopeOperations(page, 1).getByRole('checkbox', { name: 'Delete' }).uncheck();
    t.same(await ticked(page, 1), [], 'the write group goes as a whole');
    await page.getByTestId('scope-widened').waitFor({ state: 'detached' });
    await scopeOperations(page, 1).getByRole('checkbox', { name: 'Search' }).check();
    t.same(await ticked(page, 1), ['r', 's'], 'Search brings Read, as read grants both');
    await page.getByTestId('scope-broad').waitFor({ state: 'detached' });

    // Every resource type is broad, whatever it grants (the admin review's rule).
    await page.getByRole('button', { name: 'Add resource' }).click();
    await chooseResource(page, 2, 'All resources');
    await scopeOperations(page, 2).getByRole('checkbox', { name: 'Read' }).check();
    await page.getByTestId('scope-broad').filter({ hasText: 'every resource type (wildcard)' }).waitFor();

    // Operations without a resource: refused next to the row, and the form does not submit.
    await page.getByRole('button', { name: 'Add resource' }).click();
    await scopeOperations(page, 3).getByRole('checkbox', { name: 'Read' }).check();
    await page.getByText('Choose a resource for these operations, or untick them.').waitFor();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    t.equal(await page.getByRole('combobox', { name: 'Resource 3' }).getAttribute('aria-invalid'), 'true');

    // A resource an earlier row has: refused next to the row that repeats it.
    await chooseResource(page, 3, 'Patient');
    await page.getByText('Patient is already resource 1: tick the operations there and remove this row.').waitFor();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    // Focus went to the refused row's select, which opens its list; close it to check the page itself.
    await page.keyboard.press('Escape');
    await saveScreenshot(page, 'developer-scope-builder-refused');
    t.same(
      await accessibilityInEachScheme(page),
      { light: [], dark: [] },
      'no serious or critical accessibility violation, in the light or the dark scheme',
    );
    t.equal(creates, 0, 'nothing was sent while a row was refused');

    // Removing the repeated row lets the form through.
    await page.getByRole('button', { name: 'Remove resource 3' }).click();
    const sent = page.waitForRequest(
      (request) => request.method() === 'POST' && request.url().endsWith('/api/v1/backend-services'),
    );
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    t.same((await sent).postDataJSON().scopes, ['system/Patient.read', 'system/*.read'], 'sent once no row is refused');
    await page.close();
  },
);

t.test('each resource type says what its records hold, and typing what a service needs finds the type', async (t) => {
  const page = await signedInPage(portal(), portal().accounts.developer, '/services/new');
  const select = page.getByRole('combobox', { name: 'Resource 1' });
  await select.click();
  await select.fill('insurance');
  // Found by its description: neither name contains "insurance".
  await page.getByRole('option', { name: 'Coverage', exact: true }).waitFor();
  await page.getByRole('option', { name: 'InsurancePlan', exact: true }).waitFor();
  t.notOk(
    await page.getByRole('option', { name: 'Observation', exact: true }).count(),
    'types that do not match stay out',
  );
  t.match(
    await page.getByRole('listbox').textContent(),
    /insurance or payment coverage/,
    'the options show their descriptions',
  );
  await page.getByRole('option', { name: 'Coverage', exact: true }).click();
  const description = page.getByTestId('resource-description');
  t.match(await description.textContent(), /insurance or payment coverage: plan, subscriber, payer and period/);
  t.equal(
    await description.getByRole('link', { name: 'Coverage in the FHIR R4 specification' }).getAttribute('href'),
    'https://hl7.org/fhir/R4/coverage.html',
  );
  t.same(await accessibilityInEachScheme(page), { light: [], dark: [] }, 'axe finds no serious or critical violation');
});
