import {
  accessibilityInEachScheme,
  chooseScope,
  jwksServerForTests,
  portalForTests,
  saveScreenshot,
  scopeOperations,
  signedInPage,
  submittedService,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });
const jwks = jwksServerForTests(t);

const unique = (name: string) => `${name} ${Math.random().toString(16).slice(2, 8)}`;

/** A service approved by the admin account, as the developer account's. */
async function activeService(name: string, scopes: string[], jwksUri?: string) {
  const service = await submittedService(portal(), unique(name), scopes, jwksUri);
  const approved = await portal().accounts.admin.api('POST', `/admin/backend-services/${service.id}/approve`, {});
  if (approved.status !== 200) throw new Error(`approve failed: ${JSON.stringify(approved.body)}`);
  return service;
}

const noSeriousViolations = { light: [], dark: [] };

t.test(
  'a developer proposes a change from the form filled in from the service, sees the diff before sending, and then the pending request',
  async (t) => {
    const service = await activeService('Claims sync', ['system/Patient.rs']);
    const page = await signedInPage(portal(), portal().accounts.developer, `/services/${service.id}`);
    await page.getByRole('link', { name: 'Propose a change' }).click();
    await page.getByRole('heading', { name: 'Propose a change', level: 1 }).waitFor();
    t.equal(await page.getByRole('textbox', { name: 'Name' }).inputValue(), service.name, 'the form starts filled in');
    await page.getByTestId('scope-preview').getByText('system/Patient.rs', { exact: true }).waitFor();

    // Only narrowing: fewer permissions say they apply at once.
    await scopeOperations(page, 1).getByRole('checkbox', { name: 'Search' }).uncheck();
    await page.getByRole('button', { name: 'Review the change' }).click();
    await page.getByTestId('applies-at-once').waitFor();
    const diff = page.getByRole('table', { name: 'Your change' });
    await diff.getByText('system/Patient.r', { exact: true }).waitFor();
    t.equal(await page.getByRole('button', { name: 'Apply change' }).count(), 1, 'the button says it applies');
    t.same(await accessibilityInEachScheme(page), noSeriousViolations, 'axe: the narrowing preview');

    // Back to the form: an added resource makes it a change to review, the added scope marked in the diff.
    await page.getByRole('button', { name: 'Back to the form' }).click();
    await page.getByRole('button', { name: 'Add resource' }).click();
    await chooseScope(page, 2, 'Observation', ['Read']);
    await page.getByRole('button', { name: 'Review the change' }).click();
    await page.getByTestId('needs-review').waitFor();
    const added = diff.getByRole('row').filter({ hasText: 'Scopes' });
    await added.getByText('Added').first().waitFor();
    t.equal(await added.getByRole('rowheader').textContent(), 'Scopes', 'the row names the field in words');
    t.match(await added.textContent(), /system\/Observation\.r/, 'the added scope is in the diff');
    t.match(await added.textContent(), /Removed/, 'and the dropped one is marked removed');
    t.same(await accessibilityInEachScheme(page), noSeriousViolations, 'axe: the review preview');
    await saveScreenshot(page, 'developer-propose-change');

    await page.getByRole('button', { name: 'Send for review' }).click();
    await page.getByRole('status').filter({ hasText: 'Change sent' }).waitFor();
    const pending = page.getByTestId('pending-change-request');
    await pending.getByText('Pending review').waitFor();
    await pending.getByText('system/Observation.r', { exact: true }).waitFor();
    t.equal(await page.getByRole('link', { name: 'Propose a change' }).count(), 0, 'one pending request at a time');
    const seen = await portal().accounts.developer.api('GET', `/backend-services/${service.id}`);
    t.same(seen.body.scopes, ['system/Patient.rs'], 'the service keeps its approved scopes');
    t.same(await accessibilityInEachScheme(page), noSeriousViolations, 'axe: the pending request');
    await saveScreenshot(page, 'developer-change-pending');

    // Withdrawn from the page: the request is closed and a new proposal is possible.
    await pending.getByRole('button', { name: 'Withdraw change request' }).click();
    await page
      .getByRole('dialog', { name: 'Withdraw this change request?' })
      .getByRole('button', { name: 'Withdraw' })
      .click();
    await page.getByTestId('decided-change-request').getByText('Withdrawn').waitFor();
    await page.getByRole('link', { name: 'Propose a change' }).waitFor();
  },
);

t.test('a narrowing change applies at once, and decisions show their note or reason afterwards', async (t) => {
  const service = await activeService('Care gaps', ['system/Coverage.rs', 'system/Patient.rs']);
  const developer = portal().accounts.developer;
  const admin = portal().accounts.admin;
  const wider = await developer.api('POST', `/backend-services/${service.id}/change-requests`, {
    scopes: ['system/Coverage.rs', 'system/Patient.rs', 'system/Claim.rs'],
  });
  await admin.api('POST', `/admin/backend-services/${service.id}/change-requests/${wider.body.id}/reject`, {
    reason: 'Claim is not in the agreement.',
  });
  const renamed = await developer.api('POST', `/backend-services/${service.id}/change-requests`, {
    scopeVersion: 'v1',
    scopes: ['system/Coverage.read', 'system/Patient.read'],
  });
  await admin.api('POST', `/admin/backend-services/${service.id}/change-requests/${renamed.body.id}/approve`, {
    note: 'Fine for v1 clients.',
  });

  const page = await signedInPage(portal(), developer, `/services/${service.id}`);
  const decided = page.getByTestId('decided-change-request');
  await decided.filter({ hasText: 'Approved' }).getByText('Fine for v1 clients.').waitFor();
  await decided.filter({ hasText: 'Rejected' }).getByText('Claim is not in the agreement.').waitFor();

  await page.getByRole('link', { name: 'Propose a change' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill(`${service.name} (renamed)`);
  await page.getByRole('button', { name: 'Remove resource 2' }).click();
  await page.getByRole('button', { name: 'Review the change' }).click();
  await page.getByTestId('applies-at-once').waitFor();
  await page.getByRole('button', { name: 'Apply change' }).click();
  await page.getByRole('status').filter({ hasText: 'Change applied' }).waitFor();
  await page.getByRole('heading', { name: `${service.name} (renamed)`, level: 1 }).waitFor();
  const seen = await developer.api('GET', `/backend-services/${service.id}`);
  t.equal(seen.body.scopes.length, 1, 'one scope left');
  t.same(await accessibilityInEachScheme(page), noSeriousViolations, 'axe: decisions and the applied notice');
});

t.test('a proposed switch to a client secret shows the sandbox secret once, then the pending request', async (t) => {
  const service = await activeService('Key set service', ['system/Patient.rs'], jwks().url);
  const page = await signedInPage(portal(), portal().accounts.developer, `/services/${service.id}/propose`);
  await page.getByRole('radio', { name: 'Client secret' }).check();
  await page.getByRole('button', { name: 'Review the change' }).click();
  await page.getByTestId('needs-review').waitFor();
  const diff = page.getByRole('table', { name: 'Your change' });
  await diff.getByRole('row').filter({ hasText: 'authentication method' }).getByText('Client secret').waitFor();
  await page.getByRole('button', { name: 'Send for review' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save your client secret' });
  await dialog.getByText('pbx_cs_', { exact: false }).first().waitFor();
  await dialog.getByRole('checkbox', { name: 'I have stored the client secret somewhere safe' }).check();
  await dialog.getByRole('button', { name: 'I have saved the secret' }).click();
  await page.getByTestId('pending-change-request').getByText('Pending review').waitFor();
  const listed = await portal().accounts.developer.api('GET', `/backend-services/${service.id}/change-requests`);
  t.notOk('clientSecret' in listed.body.items[0], 'the secret is not shown again');
});
