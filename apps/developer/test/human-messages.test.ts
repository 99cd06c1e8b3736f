import {
  accessibilityFindings,
  chooseScope,
  describedBy,
  focusIsWithin,
  type Page,
  type PortalAccount,
  portalForTests,
  saveScreenshot,
  signedInPage,
} from '@payerbox/browser-testing';
import t from 'tap';

/** Not the default (365), so the token form's hint can only be right by asking this portal. */
const TOKEN_MAX_DAYS = 180;

const portal = portalForTests(t, { apps: ['developer'], config: { API_TOKEN_MAX_DAYS: String(TOKEN_MAX_DAYS) } });

const signedIn = (account: PortalAccount, path?: string) => signedInPage(portal(), account, path);

// JSON-schema wording (Ajv's messages, the validation problem's title and detail) that must never reach a user.
const SCHEMA_WORDING = /must NOT|must match|must have required|fewer than|does not match the schema|Invalid request/;

/** Counts the requests a page sends with `method` to an API path ending in `pathEnd`. */
function countRequests(page: Page, method: string, pathEnd: string): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (request.method() === method && new URL(request.url()).pathname.endsWith(pathEnd)) count += 1;
  });
  return () => count;
}

/** The error shown under an input once it is marked invalid, found through the input's aria-describedby. */
async function errorOf(page: Page, label: string): Promise<string> {
  const input = page.getByRole('textbox', { name: label });
  await input.and(page.locator('[aria-invalid="true"]')).waitFor();
  return describedBy(input, 'error');
}

t.test(
  'refuses a blank name, a missing JWKS URI and no scopes before sending, with a sentence next to each field',
  async (t) => {
    const page = await signedIn(portal().accounts.developer, '/services/new');
    const creates = countRequests(page, 'POST', '/api/v1/backend-services');
    await page.getByRole('textbox', { name: 'Name' }).fill('   ');
    await page.getByRole('button', { name: 'Create', exact: true }).click();

    await page.getByText('Enter a name (it cannot be only spaces).').waitFor();
    t.equal(await errorOf(page, 'Name'), 'Enter a name (it cannot be only spaces).', 'next to the name');
    t.match(await errorOf(page, 'JWKS URI'), /^Enter the JWKS URI: the address where your service publishes/);
    await page.getByText('Choose at least one resource and what the service may do with it.').waitFor();
    t.ok(await focusIsWithin(page.getByRole('textbox', { name: 'Name' })), 'focus moves to the first field to correct');

    // Once refused, the checks follow the input live.
    await page.getByRole('textbox', { name: 'JWKS URI' }).fill('ftp://keys.example.com/jwks.json');
    await page.getByText('The JWKS URI must be a web address starting with https:// (or http://).').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Claims sync');
    await page.getByText('Enter a name (it cannot be only spaces).').waitFor({ state: 'detached' });

    t.notMatch(await page.textContent('main'), SCHEMA_WORDING, 'no schema wording on the page');
    t.equal(creates(), 0, 'nothing was sent');
    await saveScreenshot(page, 'developer-register-refused');
    t.same(await accessibilityFindings(page), [], 'no serious or critical accessibility violation');
    await page.close();
  },
);

t.test('shows the API’s refusals as sentences next to their fields, never its schema text', async (t) => {
  const page = await signedIn(portal().accounts.developer, '/services/new');
  // The browser does not check a URL's scheme before Check: the API refuses it, and says so in words.
  await page.getByRole('textbox', { name: 'JWKS URI' }).fill('ftp://keys.example.com/jwks.json');
  const checked = page.waitForResponse((response) => response.url().endsWith('/api/v1/jwks-checks'));
  await page.getByRole('button', { name: 'Check' }).click();
  t.equal((await checked).status(), 400, 'the API refused the URL');
  t.equal(await errorOf(page, 'JWKS URI'), 'The JWKS URI must be a web address starting with https:// (or http://).');

  // Text-direction controls pass every browser check; the API refuses them.
  await page.getByRole('textbox', { name: 'Name' }).fill('Claims \u202esync');
  await page.getByRole('radio', { name: 'Client secret' }).check();
  await chooseScope(page, 1, 'Patient', ['Read']);
  const created = page.waitForResponse((response) => response.url().endsWith('/api/v1/backend-services'));
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  t.equal((await created).status(), 400);
  t.match(await errorOf(page, 'Name'), /^The name contains invisible text-direction characters/);
  t.notMatch(await page.textContent('main'), SCHEMA_WORDING, 'no schema wording on the page');
  await page.close();
});

t.test('counts a name’s characters and says how many to remove past 100, without cutting the text', async (t) => {
  const page = await signedIn(portal().accounts.developer, '/services/new');
  const creates = countRequests(page, 'POST', '/api/v1/backend-services');
  const name = page.getByRole('textbox', { name: 'Name' });
  await name.fill('Claims');
  await page.getByTestId('name-counter').getByText('6 / 100 characters').waitFor();
  await name.fill('A'.repeat(105));
  t.equal((await name.inputValue()).length, 105, 'nothing is cut');
  await page.getByTestId('name-counter').getByText('105 / 100 characters').waitFor();
  t.equal(await errorOf(page, 'Name'), 'The name can be at most 100 characters long. Remove 5 to save.');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await name.fill('A'.repeat(100));
  await page.getByTestId('name-counter').getByText('100 / 100 characters').waitFor();
  t.not(await name.getAttribute('aria-invalid'), 'true', '100 characters are fine');
  t.equal(creates(), 0, 'nothing was sent');
  await page.close();
});

t.test('refuses a whitespace-only name when editing, in a sentence, before sending', async (t) => {
  const developer = portal().accounts.developer2;
  const created = await developer.api('POST', '/backend-services', {
    name: 'Formulary lookup',
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Medication.rs'],
  });
  t.equal(created.status, 201);
  const page = await signedIn(developer, `/services/${created.body.id}/edit`);
  const edits = countRequests(page, 'PATCH', `/api/v1/backend-services/${created.body.id}`);
  await page.getByRole('textbox', { name: 'Name' }).fill(' \t ');
  await page.getByRole('button', { name: 'Save' }).click();
  t.equal(await errorOf(page, 'Name'), 'Enter a name (it cannot be only spaces).');
  t.equal(edits(), 0, 'nothing was sent');
  await page.close();
});

t.test('asks for an API token name in a sentence and counts its characters', async (t) => {
  const page = await signedIn(portal().accounts.developer2, '/api-tokens');
  const creates = countRequests(page, 'POST', '/api/v1/api-tokens');
  await page.getByRole('button', { name: 'Create token' }).click();
  t.equal(await errorOf(page, 'Token name'), 'Enter a name (it cannot be only spaces).');
  await page.getByRole('textbox', { name: 'Token name' }).fill('x'.repeat(101));
  await page.getByTestId('name-counter').getByText('101 / 100 characters').waitFor();
  t.equal(await errorOf(page, 'Token name'), 'The name can be at most 100 characters long. Remove 1 to save.');
  t.equal(creates(), 0, 'nothing was sent');
  t.notMatch(await page.textContent('main'), SCHEMA_WORDING);
  t.same(await accessibilityFindings(page), [], 'no serious or critical accessibility violation');
  await page.close();
});

t.test(
  'states the portal’s real token lifetime limit and says so next to the field when a value is above it',
  async (t) => {
    const page = await signedIn(portal().accounts.developer, '/api-tokens');
    const days = page.getByRole('textbox', { name: 'Expires in (days)' });
    await days.and(page.locator('[aria-describedby]')).waitFor();
    t.equal(await describedBy(days, 'description'), `1 to ${TOKEN_MAX_DAYS}`, 'the hint is this portal’s limit');
    t.equal(await days.inputValue(), '90', 'the default lifetime is filled in');

    const creates = countRequests(page, 'POST', '/api-tokens');
    await page.getByRole('textbox', { name: 'Token name' }).fill('Nightly export');
    await days.fill(String(TOKEN_MAX_DAYS + 1));
    t.equal(await errorOf(page, 'Expires in (days)'), `A token can last at most ${TOKEN_MAX_DAYS} days.`);
    await page.getByRole('button', { name: 'Create token' }).click();
    t.ok(await focusIsWithin(days), 'Create token moves focus to the lifetime');
    t.equal(await days.inputValue(), String(TOKEN_MAX_DAYS + 1), 'the typed value is kept, not cut down');
    t.equal(creates(), 0, 'nothing is sent');

    await days.fill(String(TOKEN_MAX_DAYS));
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('dialog', { name: 'Your new API token' }).waitFor();
    t.equal(creates(), 1, 'a lifetime at the limit is accepted');
    await page.close();
  },
);
