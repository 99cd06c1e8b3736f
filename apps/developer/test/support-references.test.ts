import { randomUUID } from 'node:crypto';
import {
  accessibilityFindings,
  portalForTests,
  type Response,
  shownSupportReference,
  signedInPage,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });

const suffix = () => Math.random().toString(16).slice(2, 8);

/** The x-request-id the portal answered `response` with (every API answer carries one). */
function requestIdOf(response: Response): string {
  return response.headers()['x-request-id'] ?? '(no x-request-id header)';
}

t.test('a service that does not exist shows the request id of the 404 for support', async (t) => {
  const page = await signedInPage(portal(), portal().accounts.developer);
  const id = randomUUID();
  const answered = page.waitForResponse((response) => response.url().endsWith(`/api/v1/backend-services/${id}`));
  await page.goto(`${portal().url}/services/${id}`);
  const response = await answered;
  t.equal(response.status(), 404);
  await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
  t.equal(await shownSupportReference(page.getByRole('main')), requestIdOf(response), 'the page quotes the request id');
  await page.close();
});

t.test('an action refused with a 409 shows the request id of the refusal, with a Copy button', async (t) => {
  const developer = portal().accounts.developer;
  const created = await developer.api('POST', '/backend-services', {
    name: `Submitted elsewhere ${suffix()}`,
    description: 'Submitted from another tab while this one still offers Submit',
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  const page = await signedInPage(portal(), developer, `/services/${created.body.id}`);
  const submit = page.getByRole('button', { name: 'Submit for Review' });
  await submit.waitFor();
  t.equal((await developer.api('POST', `/backend-services/${created.body.id}/submit`)).status, 200);

  const answered = page.waitForResponse((response) => response.url().endsWith('/submit'));
  await submit.click();
  const response = await answered;
  t.equal(response.status(), 409, 'the portal refuses a second submit');
  const alert = page.getByRole('alert').filter({ hasText: 'The action did not go through' });
  t.equal(await shownSupportReference(alert), requestIdOf(response), 'the alert quotes the request id');
  t.equal(await alert.getByRole('button', { name: 'Copy reference' }).count(), 1, 'which can be copied');
  t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation with the reference');
  await page.close();
});
