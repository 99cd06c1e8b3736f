import {
  accessibilityInEachScheme,
  type Page,
  type PortalAccount,
  portalForTests,
  saveScreenshot,
  signedInPage,
  submittedService,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer', 'admin'] });

const signedIn = (account: PortalAccount, path?: string) => signedInPage(portal(), account, path);

// JSON-schema wording (Ajv's messages, the validation problem's title and detail) that must never reach a user.
const SCHEMA_WORDING = /must NOT|must match|must have required|fewer than|does not match the schema|Invalid request/;

function countDecisions(page: Page, decision: string): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith(`/${decision}`)) count += 1;
  });
  return () => count;
}

async function reasonError(page: Page): Promise<string> {
  const reason = page.getByRole('textbox', { name: 'Reason' });
  await reason.and(page.locator('[aria-invalid="true"]')).waitFor();
  const ids = ((await reason.getAttribute('aria-describedby')) ?? '')
    .split(/\s+/)
    .filter((id) => id.endsWith('-error'));
  return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()))).join(' ');
}

t.test('asks for a reason in a sentence, then asks before rejecting, as for deactivating', async (t) => {
  const service = await submittedService(portal(), 'Care gaps feed');
  const page = await signedIn(portal().accounts.admin, `/admin/services/${service.id}`);
  const rejects = countDecisions(page, 'reject');
  await page.getByRole('textbox', { name: 'Reason' }).fill('   ');
  await page.getByRole('button', { name: 'Reject' }).click();
  t.equal(await reasonError(page), 'Write a reason; the developer reads it on the service page.');
  t.notMatch(await page.textContent('main'), SCHEMA_WORDING, 'no schema wording');

  await page.getByRole('textbox', { name: 'Reason' }).fill('The description does not say why Patient data is needed');
  await page.getByRole('button', { name: 'Reject' }).click();
  const confirm = page.getByRole('dialog', { name: 'Reject this service?' });
  await confirm.waitFor();
  t.match(await confirm.textContent(), service.name, 'the question names the service');
  await saveScreenshot(page, 'admin-reject-confirmation');
  t.same(
    await accessibilityInEachScheme(page),
    { light: [], dark: [] },
    'no serious or critical accessibility violation, in the light or the dark scheme',
  );
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  t.equal(rejects(), 0, 'nothing was sent: neither the blank reason nor the cancelled rejection');

  await page.getByRole('button', { name: 'Reject' }).click();
  await confirm.getByRole('button', { name: 'Reject' }).click();
  await page.getByText('Rejected. The developer sees your reason').waitFor();
  t.equal(rejects(), 1);
  await page.close();
});

t.test('asks for a deactivation reason in a sentence before sending', async (t) => {
  const service = await submittedService(portal(), 'Risk adjustment');
  t.equal((await portal().accounts.admin.api('POST', `/admin/backend-services/${service.id}/approve`, {})).status, 200);
  const page = await signedIn(portal().accounts.admin, `/admin/services/${service.id}`);
  const deactivations = countDecisions(page, 'deactivate');
  await page.getByRole('textbox', { name: 'Type the service name to confirm' }).fill(service.name);
  await page.getByRole('button', { name: 'Deactivate' }).click();
  t.equal(await reasonError(page), 'Write a reason; the developer reads it on the service page.');
  t.equal(deactivations(), 0, 'nothing was sent');
  await page.close();
});

t.test('shows the API’s refusal of a reason next to the field, in words', async (t) => {
  const service = await submittedService(portal(), 'Encounter alerts');
  const page = await signedIn(portal().accounts.admin, `/admin/services/${service.id}`);
  // Text-direction controls pass the browser's check; the API refuses them.
  await page.getByRole('textbox', { name: 'Reason' }).fill('Scopes \u202etoo broad');
  await page.getByRole('button', { name: 'Reject' }).click();
  const refused = page.waitForResponse((response) => response.url().endsWith('/reject'));
  await page.getByRole('dialog', { name: 'Reject this service?' }).getByRole('button', { name: 'Reject' }).click();
  t.equal((await refused).status(), 400);
  t.match(await reasonError(page), /^The reason contains invisible text-direction characters/);
  t.notMatch(await page.textContent('main'), SCHEMA_WORDING, 'no schema wording, and no "Invalid request" alert');
  await page.close();
});
