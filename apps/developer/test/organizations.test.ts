import {
  accessibilityFindings,
  chooseScope,
  portalForTests,
  saveScreenshot,
  signedInPage,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'], orgbac: true });

t.test(
  'asks for an organization in a multi-organization deployment and says it applies in production, the sandbox constants staying plain',
  async (t) => {
    const page = await signedInPage(portal(), portal().accounts.developer, '/services/new');
    const organization = page.getByRole('combobox', { name: 'Organization' });
    await organization.waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('East region claims');
    await page.getByRole('radio', { name: 'Client secret' }).check();
    await chooseScope(page, 1, 'Patient', ['Read']);

    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('input[aria-invalid="true"]').first().waitFor();
    t.equal(await organization.getAttribute('aria-invalid'), 'true', 'the organization is required');

    await organization.click();
    const options = await page.getByRole('option').allTextContents();
    t.ok(options.includes('Acme Health Plan › Acme Health Plan East'), 'options show the hierarchy');
    t.ok(options.includes('Beacon Mutual Insurance'));
    await page.getByRole('option', { name: 'Acme Health Plan › Acme Health Plan East' }).click();
    t.same(await accessibilityFindings(page), [], 'no serious or critical accessibility violation');
    await saveScreenshot(page, 'developer-register-organization');
    await page.getByRole('button', { name: 'Create', exact: true }).click();

    const dialog = page.getByRole('dialog', { name: 'Save your client secret' });
    await dialog.getByRole('checkbox', { name: 'I have stored the client secret somewhere safe' }).check();
    await dialog.getByRole('button', { name: 'I have saved the secret' }).click();
    await page.getByRole('heading', { name: 'East region claims' }).waitFor();
    t.match(
      await page.getByRole('table', { name: 'Service details' }).textContent(),
      'Acme Health Plan › Acme Health Plan East',
    );
    const sandbox = page.getByRole('region', { name: 'Sandbox' });
    await sandbox.getByText('Ready', { exact: true }).waitFor({ timeout: 20_000 });
    t.equal(
      await sandbox.getByLabel('Sandbox FHIR base URL', { exact: true }).textContent(),
      `${portal().stack.emulators.sandbox.url}/fhir`,
      'the sandbox runs without organizations: its FHIR base is the plain one',
    );
    t.match(await sandbox.textContent(), /In production it reaches only Acme Health Plan › Acme Health Plan East/);
    t.match(
      await page.getByRole('region', { name: 'Production' }).textContent(),
      /they use the FHIR base of Acme Health Plan › Acme Health Plan East/,
    );
    await page.close();
  },
);
