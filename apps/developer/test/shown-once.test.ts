import {
  accessibilityInEachScheme,
  chooseScope,
  focusIsWithin,
  type Page,
  type PortalAccount,
  portalForTests,
  saveScreenshot,
  signedInPage,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });

const signedIn = (account: PortalAccount, path?: string) => signedInPage(portal(), account, path);

/** Registers a client-secret service through the form, which opens the secret dialog. */
async function registerClientSecretService(page: Page, name: string) {
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('radio', { name: 'Client secret' }).check();
  await chooseScope(page, 1, 'Patient', ['Read']);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
}

t.test(
  'keeps the client secret open through Escape and clicks outside, and closes only after the secret is copied',
  async (t) => {
    const page = await signedIn(portal().accounts.developer, '/services/new');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal().url });
    await registerClientSecretService(page, 'Eligibility nightly');
    const dialog = page.getByRole('dialog', { name: 'Save your client secret' });
    await dialog.waitFor();
    const secret = (await dialog.getByLabel('Client secret', { exact: true }).textContent()) ?? '';
    const saved = dialog.getByRole('button', { name: 'I have saved the secret' });
    t.ok(await saved.isDisabled(), '"I have saved the secret" waits for a copy or the confirmation');
    t.equal(await dialog.getByRole('button', { name: /close/i }).count(), 0, 'no X that would lose the secret');

    // A click on the backdrop, then Escape: the dialog is still there and asks first.
    await page.mouse.click(4, 4);
    await page.keyboard.press('Escape');
    const question = dialog.getByRole('alert').filter({ hasText: 'Close without saving?' });
    await question.waitFor();
    t.ok(await focusIsWithin(dialog.getByRole('button', { name: 'Go back' })), 'focus is on Go back, the safe answer');
    await saveScreenshot(page, 'developer-secret-close-question');
    t.same(
      await accessibilityInEachScheme(page),
      { light: [], dark: [] },
      'no serious or critical accessibility violation on the question, in the light or the dark scheme',
    );
    // A second Escape goes back to the secret instead of closing.
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    t.ok(await dialog.isVisible(), 'the secret is still shown');
    t.equal(await dialog.getByLabel('Client secret', { exact: true }).textContent(), secret);

    await dialog.getByRole('button', { name: 'Copy Client secret' }).click();
    await dialog.getByRole('button', { name: 'Copy Client secret' }).getByText('Copied').waitFor();
    t.equal(await page.evaluate<string>('navigator.clipboard.readText()'), secret, 'the clipboard holds the secret');
    t.ok(await saved.isEnabled(), 'copying the secret enables "I have saved the secret"');
    await saved.click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Eligibility nightly' }).waitFor();
    t.notMatch(await page.content(), secret, 'the secret is gone once acknowledged');
    await page.close();
  },
);

t.test('asks before an API token dialog closes on Escape, and closes without saving only when told', async (t) => {
  const page = await signedIn(portal().accounts.developer2, '/api-tokens');
  await page.getByRole('textbox', { name: 'Token name' }).fill('Release pipeline');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your new API token' });
  await dialog.waitFor();
  const token = (await dialog.getByLabel('API token', { exact: true }).textContent()) ?? '';
  t.ok(await dialog.getByRole('button', { name: 'I have saved the token' }).isDisabled());

  await page.keyboard.press('Escape');
  await dialog.getByText('Close without saving?').waitFor();
  t.ok(await dialog.isVisible(), 'Escape alone does not close it');
  await dialog.getByRole('button', { name: 'Close without saving' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('table', { name: 'Your API tokens' }).getByText('Release pipeline').waitFor();
  t.notMatch(await page.content(), token, 'the token is gone');

  // The confirmation box is the other way to acknowledge (for a clipboard the page may not use).
  await page.getByRole('textbox', { name: 'Token name' }).fill('Nightly report');
  await page.getByRole('button', { name: 'Create token' }).click();
  await dialog.waitFor();
  await dialog.getByRole('checkbox', { name: 'I have stored the API token somewhere safe' }).check();
  await dialog.getByRole('button', { name: 'I have saved the token' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.close();
});
