import { accessibilityInEachScheme, portalForTests, signedInPage, submittedService } from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['admin', 'developer'] });

t.test('an admin returns a submission for changes, and its developer reads why on a draft they can edit', async (t) => {
  const service = await submittedService(portal(), `Returnable ${Math.random().toString(16).slice(2, 8)}`);
  const admin = await signedInPage(portal(), portal().accounts.admin, `/admin/services/${service.id}`);
  const decision = admin.getByRole('region', { name: 'Decision' });
  // The reason is required, as for Reject: nothing is sent without one.
  await decision.getByRole('button', { name: 'Return for changes' }).click();
  await decision.getByText('Write a reason; the developer reads it on the service page.').waitFor();
  await decision.getByRole('textbox', { name: 'Reason' }).fill('Say why the service needs Observation write access.');
  await decision.getByRole('button', { name: 'Return for changes' }).click();
  await decision.getByText('Returned for changes. The developer sees your reason').waitFor();
  t.same(await accessibilityInEachScheme(admin), { light: [], dark: [] }, 'axe finds no serious or critical violation');

  const developer = await signedInPage(portal(), portal().accounts.developer, `/services/${service.id}`);
  const returned = developer.getByTestId('returned-for-changes');
  await returned.getByText('Say why the service needs Observation write access.').waitFor();
  await developer.getByRole('link', { name: 'Edit' }).waitFor();
  await developer.getByRole('button', { name: 'Submit for Review' }).click();
  await returned.waitFor({ state: 'detached' });
  t.pass('submitted again, the reason is gone');
});
