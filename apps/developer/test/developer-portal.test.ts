import {
  accessibilityFindings,
  chooseOption,
  chooseScope,
  focusIsWithin,
  jwksServerForTests,
  type Page,
  type PortalAccount,
  portalForTests,
  saveScreenshot,
  signedInPage,
} from '@payerbox/browser-testing';
import t, { type Test } from 'tap';

// Production advertises RS384 only, as Aidbox documents; the sandbox RS384 and ES384, as Payerbox does.
const portal = portalForTests(t, { apps: ['developer'], assertionAlgorithms: { production: ['RS384'] } });
const jwks = jwksServerForTests(t);

const signedIn = (account: PortalAccount, path?: string) => signedInPage(portal(), account, path);

async function expectAccessible(t: Test, page: Page, where: string) {
  t.same(await accessibilityFindings(page), [], `no serious or critical accessibility violation on ${where}`);
}

async function scopePreview(page: Page): Promise<string[]> {
  return page.getByTestId('scope-preview').locator('code').allTextContents();
}

t.test('signs a developer in through the login form and greets them on an empty dashboard', async (t) => {
  const page = await signedIn(portal().accounts.developer);
  await page.getByText('No Backend Services yet').waitFor();
  t.equal(await page.getByLabel('Signed in as').textContent(), portal().accounts.developer.name);
  const emptyState = page.getByRole('main').getByRole('link', { name: 'Register New' });
  t.equal(await emptyState.count(), 2, 'the page header and the empty state both lead to Register New');
  await saveScreenshot(page, 'developer-dashboard-empty');
  await expectAccessible(t, page, 'the empty dashboard');
  await page.close();
});

t.test('registers a JWKS URI service after checking its key set, and watches the sandbox become ready', async (t) => {
  const page = await signedIn(portal().accounts.developer);
  await page.getByRole('link', { name: 'Register New' }).first().click();
  await page.getByRole('heading', { name: 'Register a Backend Service' }).waitFor();

  // The API's field errors appear next to their fields.
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  const name = page.getByRole('textbox', { name: 'Name' });
  await page.locator('input[aria-invalid="true"]').first().waitFor();
  t.equal(await name.getAttribute('aria-invalid'), 'true', 'the empty name is marked invalid');

  await name.fill('Claims sync');
  await page.getByRole('textbox', { name: 'Description' }).fill('Nightly claims export');
  t.ok(await page.getByRole('radio', { name: 'JWKS URI' }).isChecked(), 'JWKS URI is the default method');
  await page.getByRole('textbox', { name: 'JWKS URI' }).fill(jwks().url);
  await page.getByRole('button', { name: 'Check' }).click();
  const report = page.getByRole('region', { name: 'JWKS check report' });
  await report.getByText('The key set passes').waitFor();
  t.match(await report.textContent(), jwks().kid, 'the report lists the key by its kid');

  await chooseScope(page, 1, 'Patient', ['Read', 'Search']);
  t.same(await scopePreview(page), ['system/Patient.rs']);
  await page.getByRole('button', { name: 'Add resource' }).click();
  await chooseScope(page, 2, 'Observation', ['Read']);
  t.same(await scopePreview(page), ['system/Patient.rs', 'system/Observation.r']);
  await saveScreenshot(page, 'developer-register-jwks');
  await expectAccessible(t, page, 'the registration form');

  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: 'Claims sync' }).waitFor();
  t.match(page.url(), /\/services\/[0-9a-f-]{36}$/);
  const sandbox = page.getByRole('region', { name: 'Sandbox' });
  await sandbox.getByText('Ready', { exact: true }).waitFor({ timeout: 20_000 });
  const tokenUrl = await sandbox.getByLabel('Sandbox token URL', { exact: true }).textContent();
  t.equal(tokenUrl, `${portal().stack.emulators.sandbox.url}/auth/token`, 'the sandbox constants are the emulator’s');
  t.match(
    await page.getByRole('region', { name: 'Token request examples' }).textContent(),
    /client_assertion_type/,
    'a private_key_jwt example is filled in',
  );
  await saveScreenshot(page, 'developer-service-draft');
  await expectAccessible(t, page, 'the service page');

  await page.getByRole('button', { name: 'Submit for Review' }).click();
  await page.getByText('Under Review', { exact: true }).first().waitFor();
  await page.getByRole('button', { name: 'Withdraw' }).waitFor();
  t.notOk(await page.getByRole('button', { name: 'Edit' }).isVisible(), 'a service under review cannot be edited');
  await page.getByRole('region', { name: 'Timeline' }).getByText('Submitted for review').waitFor();
  await saveScreenshot(page, 'developer-service-under-review');
  await page.close();
});

t.test(
  'signs the example assertion only with what each environment advertises, and asks for new keys 5 minutes ahead',
  async (t) => {
    const developer = portal().accounts.developer;
    const created = await developer.api('POST', '/backend-services', {
      name: 'Prior auth bridge',
      authMethod: 'jwks_uri',
      jwksUri: jwks().url,
      scopeVersion: 'v2',
      scopes: ['system/Claim.rs'],
    });
    t.equal(created.status, 201, created.body?.code ?? 'created');
    const { id } = created.body;
    await portal().stack.waitForEnvironment(id, 'sandbox', 'ready');
    t.equal((await developer.api('POST', `/backend-services/${id}/submit`)).status, 200);
    t.equal((await portal().accounts.admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status, 200);
    await portal().stack.waitForEnvironment(id, 'production', 'ready');

    const page = await signedIn(developer, `/services/${id}`);
    const examples = page.getByRole('region', { name: 'Token request examples' });
    await examples.getByText('The production token endpoint accepts client assertions signed with RS384.').waitFor();
    const script = examples.getByLabel('Token request with Node and jose', { exact: true });
    const production = (await script.textContent()) ?? '';
    t.match(production, "const alg = 'RS384';", 'production: RS384, the one algorithm it advertises');
    t.match(production, "if (privateJwk.kty !== 'RSA')", 'with a check that the key is an RSA key');
    t.notMatch(production, 'ES384', 'never ES384 where it is not advertised');
    t.match(production, ".setExpirationTime('4m')", 'exp 4 minutes ahead, within the 5 Aidbox allows');
    t.match(
      await examples.textContent(),
      /at least 5 minutes before you first sign with it: Aidbox caches key sets for 5 minutes/,
      'asks for new keys to be published 5 minutes ahead',
    );

    await examples.getByText('Sandbox', { exact: true }).click();
    await examples
      .getByText('The sandbox token endpoint accepts client assertions signed with RS384 or ES384.')
      .waitFor();
    const sandbox = (await script.textContent()) ?? '';
    t.match(sandbox, "const alg = privateJwk.kty === 'EC' ? 'ES384' : 'RS384';", 'the sandbox takes either');
    const bulk = page.getByRole('region', { name: 'Bulk export examples' });
    const exportScript = (await bulk.getByLabel('Bulk export with Node', { exact: true }).textContent()) ?? '';
    t.match(
      exportScript,
      "const alg = privateJwk.kty === 'EC' ? 'ES384' : 'RS384';",
      'the export signs as the token example',
    );
    t.match(exportScript, 'client_assertion: assertion', 'with a private_key_jwt assertion');
    t.match(
      exportScript,
      `const kickoffUrl = '${portal().stack.emulators.sandbox.url}/fhir/$export?_type=Claim';`,
      "the sandbox's kick-off",
    );
    await expectAccessible(t, page, 'the token examples');
    await page.close();
  },
);

t.test(
  "offers bulk export with the service's own values, and says why a service without read and search has none",
  async (t) => {
    const developer = portal().accounts.developer;
    const sandboxUrl = portal().stack.emulators.sandbox.url;
    const exporter = await developer.api('POST', '/backend-services', {
      name: 'Coverage export',
      authMethod: 'client_secret',
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs', 'system/Coverage.rs', 'system/Observation.r'],
    });
    t.equal(exporter.status, 201, exporter.body?.code ?? 'created');
    const { id, clientId } = exporter.body;
    await portal().stack.waitForEnvironment(id, 'sandbox', 'ready');

    const page = await signedIn(developer, `/services/${id}`);
    const examples = page.getByRole('region', { name: 'Bulk export examples' });
    await examples.getByLabel('Bulk export with curl', { exact: true }).waitFor();
    t.equal(
      await examples.getByLabel('Bulk export kick-off URL', { exact: true }).textContent(),
      `${sandboxUrl}/fhir/$export?_type=Coverage,Patient`,
      'the kick-off lists the types the scopes grant read and search on, never Observation',
    );
    t.match(await examples.getByTestId('exportable-types').textContent(), /Coverage\s*Patient/);
    t.match(await examples.getByTestId('sample-groups').textContent(), /group-all-members\s*group-east-members/);
    const curl = (await examples.getByLabel('Bulk export with curl', { exact: true }).textContent()) ?? '';
    t.match(curl, `CLIENT_ID='${clientId}'`, 'curl: the client id');
    t.match(curl, `TOKEN_URL='${sandboxUrl}/auth/token'`, 'curl: the sandbox token URL');
    t.match(curl, "SCOPE='system/Coverage.rs system/Observation.r system/Patient.rs'", 'curl: the scopes');
    t.match(curl, 'curl -sS -u "$CLIENT_ID:$CLIENT_SECRET"', 'curl: HTTP Basic with the secret');
    t.match(curl, "-H 'Prefer: respond-async'", 'curl: an asynchronous kick-off');
    t.match(curl, `${sandboxUrl}/fhir/Group/group-all-members/$export?_type=Coverage,Patient`, 'a sample Group');
    const node = (await examples.getByLabel('Bulk export with Node', { exact: true }).textContent()) ?? '';
    t.match(node, `const clientId = '${clientId}';`, 'Node: the client id');
    t.match(node, "authorization: 'Basic '", 'Node: HTTP Basic with the secret');
    t.match(node, `const kickoffUrl = '${sandboxUrl}/fhir/$export?_type=Coverage,Patient';`, 'Node: the kick-off');
    t.match(node, 'manifest.requiresAccessToken', 'Node: the token only where the manifest asks for it');
    await saveScreenshot(page, 'developer-bulk-export-examples');
    await expectAccessible(t, page, 'the bulk export examples');
    await page.close();

    const reader = await developer.api('POST', '/backend-services', {
      name: 'Single reads',
      authMethod: 'client_secret',
      scopeVersion: 'v2',
      scopes: ['system/Patient.r', 'system/Coverage.s'],
    });
    t.equal(reader.status, 201, reader.body?.code ?? 'created');
    await portal().stack.waitForEnvironment(reader.body.id, 'sandbox', 'ready');
    const other = await signedIn(developer, `/services/${reader.body.id}`);
    const none = other.getByRole('region', { name: 'Bulk export examples' });
    await none.getByText("This service's scopes allow no bulk export").waitFor();
    t.match(await none.textContent(), /needs both read and search on it/, 'says what an export needs');
    t.equal(await none.getByLabel('Bulk export with curl', { exact: true }).count(), 0, 'and shows no script');
    await other.close();
    // The dashboard tests count this developer's services: these two drafts go again.
    for (const service of [id, reader.body.id]) {
      t.equal((await developer.api('DELETE', `/backend-services/${service}`)).status, 204, 'the draft is deleted');
    }
  },
);

t.test('shows a client secret exactly once, and it works against the sandbox', async (t) => {
  const page = await signedIn(portal().accounts.developer, '/services/new');
  await page.getByRole('textbox', { name: 'Name' }).fill('Eligibility checks');
  await page.getByRole('radio', { name: 'Client secret' }).check();
  t.notOk(await page.getByRole('textbox', { name: 'JWKS URI' }).isVisible(), 'no JWKS URI for a client secret');
  await chooseScope(page, 1, 'All resources', ['Read']);
  t.same(await scopePreview(page), ['system/*.r']);
  await page.getByRole('button', { name: 'Create', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: 'Save your client secret' });
  await dialog.waitFor();
  t.match(await dialog.textContent(), /will not be shown again/);
  const clientId = (await dialog.getByLabel('Client ID', { exact: true }).textContent()) ?? '';
  const secret = (await dialog.getByLabel('Client secret', { exact: true }).textContent()) ?? '';
  t.match(secret, /^pbx_cs_/);
  await saveScreenshot(page, 'developer-secret-dialog');
  await expectAccessible(t, page, 'the secret dialog');
  await dialog.getByRole('checkbox', { name: 'I have stored the client secret somewhere safe' }).check();
  await dialog.getByRole('button', { name: 'I have saved the secret' }).click();
  await page.getByRole('heading', { name: 'Eligibility checks' }).waitFor();
  const serviceUrl = page.url();

  const sandbox = page.getByRole('region', { name: 'Sandbox' });
  await sandbox.getByText('Ready', { exact: true }).waitFor({ timeout: 20_000 });
  t.notMatch(await page.content(), secret, 'the service page does not show the secret');
  await page.reload();
  await page.getByRole('heading', { name: 'Eligibility checks' }).waitFor();
  t.notMatch(await page.content(), secret, 'nor does it after a reload');
  await page.goto(`${portal().url}/`);
  await page.getByRole('link', { name: 'Eligibility checks' }).waitFor();
  t.notMatch(await page.content(), secret, 'nor does the dashboard');

  const token = await fetch(`${portal().stack.emulators.sandbox.url}/auth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  t.equal(token.status, 200, 'the secret shown once gets a sandbox token');

  // Rotating shows the new secret once too.
  await page.goto(serviceUrl);
  await page.getByRole('button', { name: 'Rotate sandbox secret' }).click();
  await page
    .getByRole('dialog', { name: 'Rotate the sandbox client secret?' })
    .getByRole('button', { name: 'Rotate sandbox secret' })
    .click();
  const rotated = page.getByRole('dialog', { name: 'Save your client secret' });
  const newSecret = (await rotated.getByLabel('Client secret', { exact: true }).textContent()) ?? '';
  t.match(newSecret, /^pbx_cs_/);
  t.not(newSecret, secret, 'a new secret');
  await rotated.getByRole('checkbox', { name: 'I have stored the client secret somewhere safe' }).check();
  await rotated.getByRole('button', { name: 'I have saved the secret' }).click();
  t.notMatch(await page.content(), newSecret, 'gone once the dialog is closed');
  await page.close();
});

t.test('filters the dashboard by status and searches by name', async (t) => {
  const page = await signedIn(portal().accounts.developer);
  const table = page.getByRole('table', { name: 'Your Backend Services' });
  await table.waitFor();
  await page.getByRole('textbox', { name: 'Search by name' }).fill('claims');
  await table.getByRole('link', { name: 'Eligibility checks' }).waitFor({ state: 'detached' });
  t.same(await table.getByRole('link').allTextContents(), ['Claims sync']);
  await page.getByRole('textbox', { name: 'Search by name' }).fill('');
  await chooseOption(page.getByRole('combobox', { name: 'Status' }), 'Draft');
  await table.getByRole('link', { name: 'Eligibility checks' }).waitFor();
  await table.getByRole('link', { name: 'Claims sync' }).waitFor({ state: 'detached' });
  t.same(await table.getByRole('link').allTextContents(), ['Eligibility checks'], 'only the draft');
  await saveScreenshot(page, 'developer-dashboard');
  await expectAccessible(t, page, 'the dashboard');
  await page.close();
});

t.test("does not show one developer's services to another", async (t) => {
  const first = await portal().accounts.developer.api('GET', '/backend-services');
  const theirs = first.body.items[0];
  t.ok(theirs, 'the first developer has a service');
  const page = await signedIn(portal().accounts.developer2);
  await page.getByText('No Backend Services yet').waitFor();
  t.equal(await page.getByLabel('Signed in as').textContent(), portal().accounts.developer2.name);
  await page.goto(`${portal().url}/services/${theirs.id}`);
  await page.getByRole('heading', { name: 'Not found' }).waitFor();
  t.notMatch(await page.content(), theirs.name);
  await page.goto(`${portal().url}/no/such/page`);
  await page.getByRole('heading', { name: 'Not found' }).waitFor();
  await expectAccessible(t, page, 'the not-found page');
  await page.close();
});

t.test('creates an API token shown once, lists it and revokes it', async (t) => {
  const page = await signedIn(portal().accounts.developer2, '/api-tokens');
  await page.getByRole('textbox', { name: 'Token name' }).fill('CI pipeline');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your new API token' });
  const token = (await dialog.getByLabel('API token', { exact: true }).textContent()) ?? '';
  t.match(token, /^pbx_pat_/);
  const me = await fetch(`${portal().url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(
    ((await me.json()) as { email: string }).email,
    portal().accounts.developer2.email,
    'the token acts as its owner',
  );
  await dialog.getByRole('checkbox', { name: 'I have stored the API token somewhere safe' }).check();
  await dialog.getByRole('button', { name: 'I have saved the token' }).click();
  const table = page.getByRole('table', { name: 'Your API tokens' });
  await table.getByText('CI pipeline').waitFor();
  t.notMatch(await page.content(), token, 'the list never shows the token');
  await expectAccessible(t, page, 'the API tokens page');
  await saveScreenshot(page, 'developer-api-tokens');
  await table.getByRole('button', { name: 'Revoke CI pipeline' }).click();
  await page.getByRole('dialog', { name: 'Revoke this token?' }).getByRole('button', { name: 'Revoke' }).click();
  await table.getByText('Revoked').waitFor();
  const after = await fetch(`${portal().url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(after.status, 401, 'a revoked token is refused');
  await page.close();
});

t.test('edits a draft, then deletes it after a confirmation that keeps the focus inside the dialog', async (t) => {
  const created = await portal().accounts.developer2.api('POST', '/backend-services', {
    name: 'Provider directory',
    authMethod: 'client_secret',
    scopeVersion: 'v1',
    scopes: ['system/Practitioner.read'],
  });
  t.equal(created.status, 201);
  const page = await signedIn(portal().accounts.developer2, `/services/${created.body.id}`);
  await page.getByRole('link', { name: 'Edit' }).click();
  const name = page.getByRole('textbox', { name: 'Name' });
  await name.waitFor();
  t.equal(await name.inputValue(), 'Provider directory', 'the form starts from the service');
  t.same(await scopePreview(page), ['system/Practitioner.read'], 'and from its scopes');
  await name.fill('Provider directory v2');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Provider directory v2' }).waitFor();
  await page.getByRole('region', { name: 'Timeline' }).getByText('Edited').waitFor();

  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this draft?' });
  await dialog.waitFor();
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    t.ok(await focusIsWithin(dialog), `focus stays in the dialog after ${i + 1} Tab presses`);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  t.ok(await page.getByRole('heading', { name: 'Provider directory v2' }).isVisible(), 'Escape cancels');

  await page.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'Backend Services', exact: true }).waitFor();
  const after = await portal().accounts.developer2.api('GET', `/backend-services/${created.body.id}`);
  t.equal(after.status, 404, 'the draft is gone');
  await page.close();
});

t.test('shows an error with Try again when the API cannot be reached, and recovers', async (t) => {
  const page = await signedIn(portal().accounts.developer);
  await page.getByRole('table', { name: 'Your Backend Services' }).waitFor();
  await page.route('**/api/v1/backend-services?*', (route) => route.abort('connectionrefused'));
  await page.reload();
  const alert = page.getByRole('alert').filter({ hasText: 'Could not load Your Backend Services' });
  await alert.waitFor({ timeout: 20_000 });
  t.match(await alert.textContent(), /could not be reached/, 'says what happened');
  await saveScreenshot(page, 'developer-dashboard-offline');
  await page.unroute('**/api/v1/backend-services?*');
  await alert.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('table', { name: 'Your Backend Services' }).waitFor();
  t.pass('the list is back');
  await page.close();
});

t.test('signs out, after which the portal asks to sign in again', async (t) => {
  const page = await signedIn(portal().accounts.developer2);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.origin !== portal().url || url.pathname.startsWith('/api/auth/login'), {
    waitUntil: 'commit',
  });
  const session = await page.request.get(`${portal().url}/api/auth/session`);
  t.equal(session.status(), 401, 'the session has ended');
  await page.close();
});
