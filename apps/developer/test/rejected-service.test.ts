import {
  accessibilityInEachScheme,
  portalForTests,
  saveScreenshot,
  signedInPage,
  submittedService,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });

t.test(
  'a service rejected at review says what the developer can do next and starts a new service from its configuration',
  async (t) => {
    const source = await submittedService(portal(), 'Claims sync', ['system/Coverage.rs', 'system/Patient.r']);
    const rejected = await portal().accounts.admin.api('POST', `/admin/backend-services/${source.id}/reject`, {
      reason: 'Patient read is not needed for claims; ask for Coverage only.',
    });
    t.equal(rejected.status, 200, 'rejected by the admin');
    const page = await signedInPage(portal(), portal().accounts.developer, `/services/${source.id}`);

    const nextSteps = page.getByTestId('rejected-next-steps');
    await nextSteps.getByText('A rejected service cannot be edited or submitted again').waitFor();
    t.match(await nextSteps.textContent(), /its own client id and client secret/, 'says a copy gets new credentials');
    const production = page.getByRole('region', { name: 'Production' });
    await production.getByText('This service was rejected at review, so it has no production client').waitFor();
    t.notOk(await production.getByText('appear once', { exact: false }).count(), 'no promise of production URLs');
    t.same(
      await accessibilityInEachScheme(page),
      { light: [], dark: [] },
      'axe finds no serious or critical violation',
    );
    await saveScreenshot(page, 'developer-service-rejected');

    await nextSteps.getByRole('link', { name: 'Start a new service from this one' }).click();
    await page.getByTestId('started-from').getByText('Patient read is not needed for claims').waitFor();
    t.equal(await page.getByRole('textbox', { name: 'Name' }).inputValue(), 'Claims sync', 'the name is copied');
    t.match(
      await page.getByRole('textbox', { name: 'Description' }).inputValue(),
      'nightly export for care management',
      'the description is copied',
    );
    const preview = page.getByTestId('scope-preview');
    await preview.getByText('system/Patient.r', { exact: true }).waitFor();
    await preview.getByText('system/Coverage.rs', { exact: true }).waitFor();

    // What the reviewer asked for: drop Patient, then create.
    await page.getByRole('button', { name: 'Remove resource 2' }).click();
    await preview.getByText('system/Patient.r', { exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('client secret', { exact: false }).first().waitFor();
    const list = await portal().accounts.developer.api('GET', '/backend-services?limit=100');
    const copies = list.body.items.filter((s: { name: string; id: string }) => s.name === 'Claims sync');
    t.equal(copies.length, 2, 'a second service, the rejected one untouched');
    const copy = copies.find((s: { id: string }) => s.id !== source.id);
    const original = copies.find((s: { id: string }) => s.id === source.id);
    t.equal(copy.status, 'draft');
    t.not(copy.clientId, original.clientId, 'a new client id');
    t.same(copy.scopes, ['system/Coverage.rs'], 'with the changed scopes');
    t.equal(original.status, 'rejected');
  },
);

t.test('a service deactivated after going live says so and still offers a new start', async (t) => {
  const source = await submittedService(portal(), 'Care gaps');
  const admin = portal().accounts.admin;
  t.equal((await admin.api('POST', `/admin/backend-services/${source.id}/approve`, {})).status, 200);
  const deactivated = await admin.api('POST', `/admin/backend-services/${source.id}/deactivate`, {
    reason: 'The partner contract ended.',
  });
  t.equal(deactivated.status, 200, 'deactivated by the admin');
  const page = await signedInPage(portal(), portal().accounts.developer, `/services/${source.id}`);
  const nextSteps = page.getByTestId('rejected-next-steps');
  await nextSteps.getByText('An administrator deactivated this service after it went live').waitFor();
  await nextSteps.getByRole('link', { name: 'Start a new service from this one' }).waitFor();
  t.notOk(
    await page.getByRole('region', { name: 'Production' }).getByText('rejected at review').count(),
    'the production card shows the switched-off client, not "rejected at review"',
  );
});

t.test('a rejected service can be removed from the dashboard, and the dashboard says so', async (t) => {
  const source = await submittedService(portal(), `Removable ${Math.random().toString(16).slice(2, 8)}`);
  const rejected = await portal().accounts.admin.api('POST', `/admin/backend-services/${source.id}/reject`, {
    reason: 'Not needed.',
  });
  t.equal(rejected.status, 200, 'rejected by the admin');
  const page = await signedInPage(portal(), portal().accounts.developer, `/services/${source.id}`);
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove this service from your dashboard?' });
  await dialog.getByText('administrators and the audit trail keep it').waitFor();
  await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
  const notice = page.getByRole('status').filter({ hasText: 'Service removed' });
  await notice.getByText(`"${source.name}" is off your dashboard; its clients stay switched off.`).waitFor();
  t.equal(
    (await portal().accounts.developer.api('GET', `/backend-services/${source.id}`)).status,
    404,
    'gone for its owner',
  );
  t.equal(
    (await portal().accounts.admin.api('GET', `/admin/backend-services/${source.id}`)).status,
    200,
    'kept for administrators',
  );
});
