import {
  accessibilityInEachScheme,
  jwksServerForTests,
  portalForTests,
  saveScreenshot,
  signedInPage,
  submittedService,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['admin', 'developer'] });
const jwks = jwksServerForTests(t);

const unique = (name: string) => `${name} ${Math.random().toString(16).slice(2, 8)}`;
const noSeriousViolations = { light: [], dark: [] };

/** An approved client-secret service with a pending change request from its developer. */
async function pendingChange(name: string, change: Record<string, unknown>) {
  const service = await submittedService(portal(), unique(name), ['system/Patient.rs']);
  const approved = await portal().accounts.admin.api('POST', `/admin/backend-services/${service.id}/approve`, {});
  if (approved.status !== 200) throw new Error(`approve failed: ${JSON.stringify(approved.body)}`);
  const proposed = await portal().accounts.developer.api(
    'POST',
    `/backend-services/${service.id}/change-requests`,
    change,
  );
  if (proposed.status !== 201) throw new Error(`propose failed: ${JSON.stringify(proposed.body)}`);
  return { ...service, changeRequestId: proposed.body.id as string };
}

t.test(
  'the review queue tells change requests from new submissions; the diff page shows scopes added and removed, re-checks the key set, and rejects only with a reason',
  async (t) => {
    const submission = await submittedService(portal(), unique('Eligibility check'));
    const change = await pendingChange('Claims sync', {
      authMethod: 'jwks_uri',
      jwksUri: jwks().url,
      scopes: ['system/Observation.rs', 'system/Patient.r'],
    });
    const page = await signedInPage(portal(), portal().accounts.admin, '/admin/');
    const queue = page.getByRole('table', { name: 'Waiting for review' });
    const changeRow = queue.getByRole('row').filter({ hasText: change.name });
    await changeRow.getByText('Change request', { exact: true }).waitFor();
    await queue
      .getByRole('row')
      .filter({ hasText: submission.name })
      .getByText('New submission', { exact: true })
      .waitFor();
    t.same(await accessibilityInEachScheme(page), noSeriousViolations, 'axe: the queue');

    await changeRow.getByRole('link', { name: change.name }).click();
    await page.getByRole('heading', { level: 1, name: `Change to ${change.name}` }).waitFor();
    const summary = page.getByTestId('scope-summary');
    await summary.getByText('system/Observation.rs', { exact: true }).waitFor();
    t.match(await summary.textContent(), /Scopes added:.*system\/Observation\.rs/, 'the added scope is named');
    t.match(await summary.textContent(), /Scopes removed:.*system\/Patient\.rs/, 'and the removed one');
    const diff = page.getByRole('table', { name: 'Approved and proposed configuration' });
    await diff.getByRole('row').filter({ hasText: 'authentication method' }).getByText('Client secret').waitFor();
    await page.getByRole('region', { name: 'JWKS check report' }).getByText('The key set passes').waitFor();
    t.same(await accessibilityInEachScheme(page), noSeriousViolations, 'axe: the diff page');
    await saveScreenshot(page, 'admin-change-request');

    const decision = page.getByRole('region', { name: 'Decision' });
    await decision.getByRole('button', { name: 'Reject change' }).click();
    await decision.getByText('Write a reason; the developer reads it on the service page.').waitFor();
    await decision.getByRole('textbox', { name: 'Reason' }).fill('Observation is not in the agreement.');
    await decision.getByRole('button', { name: 'Reject change' }).click();
    await page
      .getByRole('dialog', { name: 'Reject this change?' })
      .getByRole('button', { name: 'Reject change' })
      .click();
    await decision.getByText('Rejected. The developer sees your reason').waitFor();
    const decided = await portal().accounts.developer.api('GET', `/backend-services/${change.id}/change-requests`);
    t.match(decided.body.items[0], { status: 'rejected', reason: 'Observation is not in the agreement.' });
  },
);

t.test('an admin approves a change with a note, and a second decision on it says who won', async (t) => {
  const change = await pendingChange('Care gaps', { scopes: ['system/Patient.rs', 'system/Coverage.rs'] });
  const page = await signedInPage(
    portal(),
    portal().accounts.admin,
    `/admin/services/${change.id}/change-requests/${change.changeRequestId}`,
  );
  const decision = page.getByRole('region', { name: 'Decision' });
  // Another admin decides first, while this page is open: once it shows the pending request's decision form (had the
  // page loaded after that decision, it would show the request decided, with no form to lose the race on).
  await decision.getByRole('textbox', { name: 'Note (optional)' }).waitFor();
  const first = await portal().accounts.admin.api(
    'POST',
    `/admin/backend-services/${change.id}/change-requests/${change.changeRequestId}/approve`,
    { note: 'First' },
  );
  t.equal(first.status, 200);
  await decision.getByRole('textbox', { name: 'Note (optional)' }).fill('Covered by the amendment.');
  await decision.getByRole('button', { name: 'Approve change' }).click();
  await decision.getByText('This change request is now Approved, so your decision was not applied.').waitFor();
  t.same(await accessibilityInEachScheme(page), noSeriousViolations, 'axe: the lost race');

  // The service page links an active service's pending request; none is pending now.
  const next = await pendingChange('Eligibility', { scopes: ['system/Patient.rs', 'system/Coverage.rs'] });
  await page.goto(`${portal().url}/admin/services/${next.id}`);
  await page.getByRole('link', { name: 'Review the proposed change' }).click();
  await page.getByRole('heading', { level: 1, name: `Change to ${next.name}` }).waitFor();
  await decision.getByRole('textbox', { name: 'Note (optional)' }).fill('Covered by the amendment.');
  await decision.getByRole('button', { name: 'Approve change' }).click();
  await decision.getByText('Approved. Production is being switched').waitFor();
  const service = await portal().accounts.developer.api('GET', `/backend-services/${next.id}`);
  t.same(service.body.scopes, ['system/Coverage.rs', 'system/Patient.rs'], 'the service runs the approved change');
});
