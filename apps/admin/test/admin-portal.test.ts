import { readFile } from 'node:fs/promises';
import {
  accessibilityFindings,
  type Page,
  type PortalAccount,
  portalForTests,
  saveScreenshot,
  signedInPage,
  signIn,
  submittedService,
} from '@payerbox/browser-testing';
import t, { type Test } from 'tap';

const portal = portalForTests(t, { apps: ['developer', 'admin'] });

const signedIn = (account: PortalAccount, path?: string) => signedInPage(portal(), account, path);

async function expectAccessible(t: Test, page: Page, where: string) {
  t.same(await accessibilityFindings(page), [], `no serious or critical accessibility violation on ${where}`);
}

t.test('shows a developer a clear not-authorized page instead of the admin portal', async (t) => {
  const page = await signedIn(portal().accounts.developer2, '/admin/');
  await page.getByRole('heading', { name: 'Not authorized' }).waitFor();
  t.match(await page.textContent('body'), portal().accounts.developer2.email, 'says who is signed in');
  t.equal(await page.getByRole('table').count(), 0, 'shows no admin data');
  const api = await page.request.get(`${portal().url}/api/v1/admin/backend-services`);
  t.equal(api.status(), 403, 'and the API refuses the session too');
  await saveScreenshot(page, 'admin-not-authorized');
  await expectAccessible(t, page, 'the not-authorized page');
  await page.close();
});

t.test('approves a submitted service, after which the developer sees production constants', async (t) => {
  const older = await submittedService(portal(), 'Claims export', ['system/*.rs', 'system/Observation.cud']);
  const newer = await submittedService(portal(), 'Care gaps');
  const page = await signedIn(portal().accounts.admin, '/admin/');
  const queue = page.getByRole('table', { name: 'Waiting for review' });
  await queue.waitFor();
  const names = await queue.getByRole('link').allTextContents();
  t.ok(names.indexOf(older.name) < names.indexOf(newer.name), 'the one waiting longest comes first');
  t.match(await queue.textContent(), /less than a minute/, 'shows how long each has waited');
  await saveScreenshot(page, 'admin-review-queue');
  await expectAccessible(t, page, 'the review queue');

  await queue.getByRole('link', { name: older.name }).click();
  await page.getByRole('heading', { name: older.name }).waitFor();
  t.match(await page.getByRole('table', { name: 'Service overview' }).textContent(), portal().accounts.developer.email);
  const matrix = page.getByRole('table', { name: 'Scopes by resource and operation' });
  t.match(await matrix.textContent(), /All resources\s*Wildcard/, 'the wildcard is highlighted');
  t.equal(await matrix.locator('[data-broad]').count(), 3, 'create, update and delete on Observation are highlighted');
  await page.getByText('Broad access requested').waitFor();
  await page.getByRole('region', { name: 'Sandbox' }).getByText('Ready', { exact: true }).waitFor({ timeout: 20_000 });
  await saveScreenshot(page, 'admin-review-page');
  await expectAccessible(t, page, 'the review page');

  await page.getByRole('textbox', { name: 'Note (optional)' }).fill('Scopes match the description');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByText('Approved. The production client is being created').waitFor();
  await page
    .getByRole('region', { name: 'Production' })
    .getByText('Ready', { exact: true })
    .waitFor({ timeout: 20_000 });
  t.ok(await page.getByText('Active', { exact: true }).first().isVisible(), 'the service is Active');

  const developer = await signedIn(portal().accounts.developer, `/services/${older.id}`);
  const production = developer.getByRole('region', { name: 'Production' });
  await production.getByText('Ready', { exact: true }).waitFor();
  t.equal(
    await production.getByLabel('Production token URL', { exact: true }).textContent(),
    `${portal().stack.emulators.production.url}/auth/token`,
    'the developer sees the production token URL',
  );
  await developer.getByText('Note from the reviewer').waitFor();
  t.match(await developer.textContent('body'), 'Scopes match the description', 'with the approval note');
  await saveScreenshot(developer, 'developer-service-active');
  await developer.close();
  await page.close();
});

t.test('rejects a service with a reason the developer then sees', async (t) => {
  const service = await submittedService(portal(), 'Member roster');
  const page = await signedIn(portal().accounts.admin, `/admin/services/${service.id}`);
  await page.getByRole('heading', { name: service.name }).waitFor();
  await page.getByRole('button', { name: 'Reject' }).click();
  const reason = page.getByRole('textbox', { name: 'Reason' });
  await page.locator('textarea[aria-invalid="true"]').waitFor();
  t.equal(await reason.getAttribute('aria-invalid'), 'true', 'a reason is required');
  await reason.fill('Patient write access is not justified by the description');
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.getByRole('dialog', { name: 'Reject this service?' }).getByRole('button', { name: 'Reject' }).click();
  await page.getByText('Rejected. The developer sees your reason').waitFor();
  await page.close();

  const developer = await signedIn(portal().accounts.developer, `/services/${service.id}`);
  await developer.getByText('Reason given by the reviewer').waitFor();
  t.match(await developer.textContent('body'), 'Patient write access is not justified by the description');
  await developer.close();
});

t.test('deactivates an active service once its name is typed', async (t) => {
  const service = await submittedService(portal(), 'Quality measures');
  t.equal((await portal().accounts.admin.api('POST', `/admin/backend-services/${service.id}/approve`, {})).status, 200);
  const page = await signedIn(portal().accounts.admin, `/admin/services/${service.id}`);
  await page.getByRole('textbox', { name: 'Reason' }).fill('Contract ended');
  const deactivate = page.getByRole('button', { name: 'Deactivate' });
  t.ok(await deactivate.isDisabled(), 'disabled until the name is typed');
  await page.getByRole('textbox', { name: 'Type the service name to confirm' }).fill('Quality');
  t.ok(await deactivate.isDisabled(), 'a partial name is not enough');
  await page.getByRole('textbox', { name: 'Type the service name to confirm' }).fill(service.name);
  await deactivate.click();
  await page.getByText('Deactivated. Its clients can no longer get tokens').waitFor();
  await page
    .getByRole('region', { name: 'Production' })
    .getByText('Disabled', { exact: true })
    .waitFor({ timeout: 20_000 });
  t.ok(await page.getByText('Rejected', { exact: true }).first().isVisible(), 'the service shows Rejected');
  await saveScreenshot(page, 'admin-deactivated');
  await page.close();
});

t.test('shows an active service’s production secret: retrieved or not, and where a rotation stands', async (t) => {
  const service = await submittedService(portal(), 'Prior auth status');
  const { admin, developer } = portal().accounts;
  t.equal((await admin.api('POST', `/admin/backend-services/${service.id}/approve`, {})).status, 200);
  const page = await signedIn(admin, `/admin/services/${service.id}`);
  const secret = page.getByRole('region', { name: 'Production client secret' });
  await secret.getByText('The owner has not retrieved it yet').waitFor();
  t.match(await secret.textContent(), /It has not been rotated\./, 'no rotation yet');

  const retrieved = await developer.api('POST', `/backend-services/${service.id}/production-secret`);
  t.equal(retrieved.status, 200, 'the owner retrieves it');
  const rotated = await developer.api('POST', `/backend-services/${service.id}/rotate-secret`, {
    environment: 'production',
  });
  t.equal(rotated.status, 200, 'the owner starts a rotation');
  await page.reload();
  await secret.getByText('The owner has retrieved it.').waitFor();
  const progress = secret.getByTestId('cutover-progress');
  t.equal(await progress.getAttribute('data-state'), 'pending');
  t.match(await progress.textContent(), /Waiting for the owner’s confirmation; switches by itself at/);
  const shown = (await page.textContent('body')) ?? '';
  t.ok(
    typeof retrieved.body.clientSecret === 'string' && typeof rotated.body.clientSecret === 'string',
    'both secrets were issued',
  );
  t.notOk(
    shown.includes(retrieved.body.clientSecret) || shown.includes(rotated.body.clientSecret),
    'neither secret is shown',
  );
  await expectAccessible(t, page, 'the production secret of an active service');
  await page.close();
});

t.test('tells the admin who decides second that another admin decided first', async (t) => {
  const service = await submittedService(portal(), 'Prior authorization');
  const first = await signedIn(portal().accounts.admin, `/admin/services/${service.id}`);
  const second = await portal().newPage();
  await signIn(second, portal(), portal().accounts.admin, `/admin/services/${service.id}`);
  await second.getByRole('button', { name: 'Reject' }).waitFor();
  await first.getByRole('button', { name: 'Approve' }).click();
  await first.getByText('Approved.').first().waitFor();
  await second.getByRole('textbox', { name: 'Reason' }).fill('Too broad');
  await second.getByRole('button', { name: 'Reject' }).click();
  await second.getByRole('dialog', { name: 'Reject this service?' }).getByRole('button', { name: 'Reject' }).click();
  const conflict = second.getByRole('alert').filter({ hasText: 'Someone else decided first' });
  await conflict.waitFor();
  t.match(await conflict.textContent(), /now Active/, 'with the state it is in now');
  await second.getByRole('button', { name: 'Deactivate' }).waitFor();
  t.pass('the page shows the current state (Active: Deactivate is offered)');
  await saveScreenshot(second, 'admin-conflict');
  await first.close();
  await second.close();
});

t.test('searches all services by owner and lists the audit log, filtered and exported as CSV', async (t) => {
  const service = await submittedService(portal(), 'Audit trail sample');
  const page = await signedIn(portal().accounts.admin, '/admin/services');
  const table = page.getByRole('table', { name: 'All services' });
  await table.waitFor();
  await page.getByRole('textbox', { name: 'Search' }).fill(portal().accounts.developer.email);
  await table.getByRole('link', { name: service.name }).waitFor();
  await expectAccessible(t, page, 'the services list');

  await page.getByRole('link', { name: 'Audit log' }).click();
  const events = page.getByRole('table', { name: 'Audit events' });
  await events.waitFor();
  await events
    .getByRole('row')
    .filter({ hasText: service.name })
    .first()
    .getByRole('button', { name: 'Only this service' })
    .click();
  await page.waitForURL(`**/admin/audit-log?${new URLSearchParams({ service: service.name })}`);
  // The previous rows stay on screen until the filtered page arrives.
  await events.locator('tbody tr').filter({ hasNotText: service.name }).first().waitFor({ state: 'detached' });
  t.same(
    (await events.locator('tbody tr td:nth-child(3)').allTextContents()).sort(),
    ['Registered', 'Submitted for review'],
    'only this service’s events',
  );
  await saveScreenshot(page, 'admin-audit-log');
  await expectAccessible(t, page, 'the audit log');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  const csv = await readFile((await download.path()) ?? '', 'utf8');
  const lines = csv.trim().split('\r\n');
  t.match(lines[0], /^id,created_at,service_id,service_name,action/, 'a header row');
  t.equal(lines.length, 3, 'the two events of the filtered service');
  t.ok(lines.slice(1).every((line) => line.includes(service.id)));
  await page.close();
});
