// Credentials per environment in the developer portal (issue 21): the production secret retrieved once after
// approval, its rotation through a cutover with its progress and a confirmed switch, the emergency rotation, and
// production's own key set URL in the form. Tokens are taken from the emulators' token endpoints.
import {
  accessibilityInEachScheme,
  jwksServerForTests,
  type Locator,
  type Page,
  portalForTests,
  signedInPage,
  submittedService,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });
const jwks = jwksServerForTests(t);

/** An approved client-secret service, its production client ready. */
async function activeService(name: string) {
  const { id } = await submittedService(portal(), name);
  const approved = await portal().accounts.admin.api('POST', `/admin/backend-services/${id}/approve`, {});
  if (approved.status !== 200) throw new Error(`approve failed: ${JSON.stringify(approved.body)}`);
  await portal().stack.waitForEnvironment(id, 'production', 'ready');
  return { id, clientId: approved.body.clientId as string };
}

/** The status of a client_credentials token request with a client secret at an emulator. */
async function tokenStatus(environment: 'sandbox' | 'production', clientId: string, secret: string) {
  const response = await fetch(`${portal().stack.emulators[environment].url}/auth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  return response.status;
}

/** Reads the secret the shown-once dialog holds, acknowledges it and closes the dialog. */
async function takeShownSecret(page: Page): Promise<string> {
  const dialog = page.getByRole('dialog', { name: 'Save your production client secret' });
  const secret = (await dialog.getByLabel('Client secret', { exact: true }).textContent()) ?? '';
  await dialog.getByRole('checkbox', { name: 'I have stored the client secret somewhere safe' }).check();
  await dialog.getByRole('button', { name: 'I have saved the secret' }).click();
  await dialog.waitFor({ state: 'detached' });
  return secret;
}

/** Confirms the dialog `title` with its button `label`. */
async function confirm(page: Page, title: string, label: string): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.getByRole('button', { name: label }).click();
  return dialog;
}

t.test(
  'after approval the page guides to the production secret, shown once, which works in production only',
  async (t) => {
    const { id, clientId } = await activeService('Claims production');
    const page = await signedInPage(portal(), portal().accounts.developer, `/services/${id}`);
    const section = page.getByTestId('production-secret');
    await section.getByText('Get your production secret — it is shown once').waitFor();
    t.same(
      await accessibilityInEachScheme(page),
      { light: [], dark: [] },
      'axe finds no serious or critical violation',
    );

    await section.getByRole('button', { name: 'Get your production secret' }).click();
    const secret = await takeShownSecret(page);
    t.match(secret, /^pbx_cs_/);
    await section.getByRole('button', { name: 'Get your production secret' }).waitFor({ state: 'detached' });
    t.notMatch(await page.content(), secret, 'gone once the dialog is closed');
    t.equal(await tokenStatus('production', clientId, secret), 200, 'the production secret gets a production token');
    t.equal(await tokenStatus('sandbox', clientId, secret), 400, 'and none in the sandbox');
    await page.reload();
    await section.getByRole('button', { name: 'Rotate production secret' }).waitFor();
    t.equal(await section.getByText('it is shown once').count(), 0, 'not offered again');
    await page.close();
  },
);

t.test(
  "rotating the production secret shows the cutover's progress and switches once confirmed; an emergency rotation warns and cuts at once",
  async (t) => {
    const { id, clientId } = await activeService('Eligibility production');
    const retrieved = await portal().accounts.developer.api('POST', `/backend-services/${id}/production-secret`);
    const first = retrieved.body.clientSecret as string;
    const page = await signedInPage(portal(), portal().accounts.developer, `/services/${id}`);
    const section = page.getByTestId('production-secret');

    await section.getByRole('button', { name: 'Rotate production secret' }).click();
    await confirm(page, 'Rotate the production secret without an outage?', 'Issue new secret');
    const second = await takeShownSecret(page);
    const progress = section.getByTestId('cutover-progress');
    await section.locator('[data-state="pending"]').waitFor();
    t.match(await progress.textContent(), /Waiting for your confirmation; switches by itself at/);
    t.equal(await tokenStatus('production', clientId, first), 200, 'the current secret still works');
    t.same(await accessibilityInEachScheme(page), { light: [], dark: [] }, 'axe: the pending cutover');

    await section.getByRole('button', { name: 'Confirm switch' }).click();
    const switchDialog = page.getByRole('dialog', { name: 'Switch production to the new secret?' });
    t.match(await switchDialog.textContent(), /take a fresh token with your current secret/);
    await confirm(page, 'Switch production to the new secret?', 'Confirm switch');
    await section.locator('[data-state="applied"]').waitFor({ timeout: 20_000 });
    t.match(await progress.textContent(), /you confirmed the switch/);
    t.equal(await tokenStatus('production', clientId, second), 200, 'the new secret works');
    t.equal(await tokenStatus('production', clientId, first), 400, 'the old one is cut');

    await section.getByRole('button', { name: 'Emergency rotation' }).click();
    const warning = page.getByRole('dialog', { name: 'Cut the current production secret now?' });
    t.match(await warning.textContent(), /stops working within seconds/);
    t.same(await accessibilityInEachScheme(page), { light: [], dark: [] }, 'axe: the emergency warning');
    await confirm(page, 'Cut the current production secret now?', 'Rotate at once');
    const third = await takeShownSecret(page);
    // The progress of this rotation (the one before it was applied too), then applied.
    await progress.getByText('(emergency rotation)', { exact: false }).waitFor();
    await section.locator('[data-state="applied"]').waitFor({ timeout: 20_000 });
    t.equal(await tokenStatus('production', clientId, third), 200);
    t.equal(await tokenStatus('production', clientId, second), 400, 'cut at once');
    await page.close();
  },
);

t.test("a JWKS draft takes production's own key set URL in the form, and the page shows it", async (t) => {
  const created = await portal().accounts.developer.api('POST', '/backend-services', {
    name: 'Keys per environment',
    authMethod: 'jwks_uri',
    jwksUri: jwks().url,
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.status, 201);
  const page = await signedInPage(portal(), portal().accounts.developer, `/services/${created.body.id}/edit`);
  const field = page.getByRole('textbox', { name: 'Production key set URL (optional)' });
  await field.fill('ftp://keys.example/jwks.json');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('The production JWKS URI must be a web address starting with https://').waitFor();
  await field.fill(jwks().url);
  t.same(await accessibilityInEachScheme(page), { light: [], dark: [] }, 'axe: the form with the field');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('region', { name: 'Production key set URL' }).waitFor();
  const saved = await portal().accounts.developer.api('GET', `/backend-services/${created.body.id}`);
  t.equal(saved.body.productionJwksUri, jwks().url);
  await page.close();
});
