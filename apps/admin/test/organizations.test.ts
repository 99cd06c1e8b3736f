import { accessibilityFindings, portalForTests, saveScreenshot, signedInPage } from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['admin'], orgbac: true });

t.test('shows the organization hierarchy, refreshes it, and places a service under review in it', async (t) => {
  const created = await portal().accounts.developer.api('POST', '/backend-services', {
    name: 'East region claims',
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
    organizationId: 'org-acme-health-east',
  });
  t.equal(created.status, 201);
  t.equal((await portal().accounts.developer.api('POST', `/backend-services/${created.body.id}/submit`)).status, 200);

  const page = await signedInPage(portal(), portal().accounts.admin, '/admin/organizations');
  await page.getByText('Acme Health Plan East').waitFor();
  const tree = await page.getByRole('main').textContent();
  t.match(tree, /Acme Health Plan\s*org-acme-health\s*Acme Health Plan East/, 'the child is listed under its parent');
  t.match(tree, 'Beacon Mutual Insurance');
  const [refreshed] = await Promise.all([
    page.waitForResponse((response) => response.url().endsWith('/api/v1/admin/organizations/refresh')),
    page.getByRole('button', { name: 'Refresh from Aidbox' }).click(),
  ]);
  t.equal(refreshed.status(), 200, 'the refresh re-reads the production Aidbox');
  await page.getByText('Acme Health Plan East').waitFor();
  t.same(await accessibilityFindings(page), [], 'no serious or critical accessibility violation');
  await saveScreenshot(page, 'admin-organizations');

  await page.goto(`${portal().url}/admin/services/${created.body.id}`);
  const overview = page.getByRole('table', { name: 'Service overview' });
  await overview.waitFor();
  t.match(await overview.textContent(), 'Acme Health Plan › Acme Health Plan East (org-acme-health-east)');
  await page.close();
});
