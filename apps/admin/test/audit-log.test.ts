import { randomBytes } from 'node:crypto';
import {
  accessibilityFindings,
  focusIsWithin,
  type Locator,
  type Page,
  portalForTests,
  saveScreenshot,
  signedInPage,
} from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['admin'] });

interface Trail {
  readonly tag: string;
  readonly claims: string;
  readonly eligibility: { readonly name: string; readonly clientId: string };
  readonly coverage: string;
}

function expectOk(response: { status: number; body: unknown }, what: string, status = 200): any {
  if (response.status !== status)
    throw new Error(`${what} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * Three services whose names share a tag, by three people: one submitted and approved with a note (the admin), one
 * edited (a new name and a scope more), one only registered (the second developer).
 */
async function arrangeTrail(): Promise<Trail> {
  const { developer, developer2, admin } = portal().accounts;
  const tag = randomBytes(3).toString('hex');
  const input = (name: string) => ({
    name,
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });

  const claims = `Claims ${tag}`;
  const a = expectOk(await developer.api('POST', '/backend-services', input(claims)), 'create', 201);
  expectOk(await developer.api('POST', `/backend-services/${a.id}/submit`), 'submit');
  const note = { note: 'Scopes match the agreement' };
  expectOk(await admin.api('POST', `/admin/backend-services/${a.id}/approve`, note), 'approve');

  // The stack's own developer, because an edit needs If-Match.
  const editor = portal().stack.developer;
  const b = expectOk(await editor.api('POST', '/backend-services', input(`Eligibility ${tag}`)), 'create', 201);
  const edit = { name: `Eligibility ${tag} feed`, scopes: ['system/Patient.rs', 'system/Coverage.rs'] };
  expectOk(await editor.api('PATCH', `/backend-services/${b.id}`, edit, { 'if-match': '"1"' }), 'edit');

  const coverage = `Coverage ${tag}`;
  expectOk(await developer2.api('POST', '/backend-services', input(coverage)), 'create', 201);
  return { tag, claims, eligibility: { name: edit.name, clientId: b.clientId }, coverage };
}

const utcDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** The text of one column of the audit table, row by row. */
async function column(events: Locator, index: number): Promise<string[]> {
  return events.locator(`tbody tr td:nth-child(${index})`).allTextContents();
}

/** Fills the filter form (fields left out are emptied) and applies it, then waits for the address to say so. */
async function applyFilters(page: Page, fields: Record<string, string>): Promise<void> {
  for (const label of ['Service name', 'Client id', 'Actor e-mail']) {
    await page.getByRole('textbox', { name: label }).fill(fields[label] ?? '');
  }
  await page.getByLabel('Action').selectOption({ label: fields.Action ?? 'Any action' });
  for (const label of ['From', 'To']) await page.getByLabel(label, { exact: true }).fill(fields[label] ?? '');
  await page.getByRole('button', { name: 'Apply filters' }).click();
}

/** Waits until the table shows exactly the rows whose service name contains `name` (the old rows go first). */
async function rowsOnlyOf(events: Locator, name: string): Promise<void> {
  await events.locator('tbody tr').filter({ hasNotText: name }).first().waitFor({ state: 'detached' });
}

t.test('filters the audit log by service name, client id, actor e-mail and days, in words', async (t) => {
  const trail = await arrangeTrail();
  const page = await signedInPage(portal(), portal().accounts.admin, '/admin/audit-log');
  const events = page.getByRole('table', { name: 'Audit events' });
  await events.waitFor();

  // Part of the name, in another case.
  await applyFilters(page, { 'Service name': `CLAIMS ${trail.tag}` });
  await page.waitForURL(`**/admin/audit-log?${new URLSearchParams({ service: `CLAIMS ${trail.tag}` })}`);
  await rowsOnlyOf(events, trail.claims);
  t.same(await column(events, 3), ['Approved', 'Submitted for review', 'Registered'], 'actions in words');
  t.ok(await focusIsWithin(page.getByRole('button', { name: 'Apply filters' })), 'the keyboard focus stays put');
  t.same(await column(events, 4), ['Under Review → Active', 'Draft → Under Review', 'Draft']);
  t.match(
    (await column(events, 6))[0],
    /^Note: “Scopes match the agreement”A production client secret was issued$/,
    'the note as text, and what the approval issued',
  );
  t.notMatch(await events.textContent(), /[{}]/, 'no raw JSON');
  t.equal(
    await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'),
    `/api/v1/admin/audit-events/export?${new URLSearchParams({ service: `CLAIMS ${trail.tag}` })}`,
    'the export asks for the same events',
  );

  // The address keeps the filters: a reload shows the same view.
  await page.reload();
  await events.waitFor();
  t.equal(await page.getByRole('textbox', { name: 'Service name' }).inputValue(), `CLAIMS ${trail.tag}`);
  t.same(await column(events, 3), ['Approved', 'Submitted for review', 'Registered'], 'after a reload');

  await applyFilters(page, { 'Service name': trail.tag, Action: 'Approved' });
  await events.locator('tbody tr').filter({ hasNotText: 'Approved' }).first().waitFor({ state: 'detached' });
  t.same(await column(events, 3), ['Approved'], 'the action chosen by its name');

  // The exact client id; the edit reads as before → after and scopes added.
  await applyFilters(page, { 'Client id': trail.eligibility.clientId });
  await rowsOnlyOf(events, trail.eligibility.name);
  t.same(await column(events, 3), ['Edited', 'Registered']);
  const edit = events.locator('tbody tr').first().locator('td').nth(5);
  for (const line of [
    `Name: Eligibility ${trail.tag} → ${trail.eligibility.name}`,
    'Scopes added: system/Coverage.rs',
  ]) {
    await edit.getByText(line, { exact: true }).waitFor();
  }
  await saveScreenshot(page, 'admin-audit-log-edit-detail');

  // Back returns to the filters before.
  await page.goBack();
  await page.waitForURL(/action=approve/);
  await events.locator('tbody tr').filter({ hasNotText: 'Approved' }).first().waitFor({ state: 'detached' });
  t.equal(await page.getByLabel('Action').inputValue(), 'approve', 'the form shows the filters of the address');

  // Part of the actor's e-mail address, in another case.
  const email = portal().accounts.developer2.email;
  await applyFilters(page, { 'Service name': trail.tag, 'Actor e-mail': email.split('@')[0]?.toUpperCase() ?? '' });
  await rowsOnlyOf(events, trail.coverage);
  t.same(await column(events, 3), ['Registered']);
  t.match(await column(events, 5), [new RegExp(email)], 'the actor with the e-mail address');

  // Days: from yesterday to today holds every event of the tag; a year long past holds none.
  await applyFilters(page, { 'Service name': trail.tag, From: utcDay(-1), To: utcDay() });
  await page.waitForURL(/from=/);
  // The one row of the filter before holds the tag too: wait for the sixth row of this one.
  await events.locator('tbody tr').nth(5).waitFor();
  t.equal(await events.locator('tbody tr').count(), 6, 'the six events of the three services');
  t.match(
    await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'),
    `from=${utcDay(-1)}T00%3A00%3A00.000Z&to=${utcDay(1)}T00%3A00%3A00.000Z`,
    'the last day is included: the range ends at the start of the next (the page is in UTC)',
  );
  t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation with filters');

  await applyFilters(page, { 'Service name': trail.tag, From: '2021-01-01', To: '2021-12-31' });
  await page.getByText('No event matches these filters.').waitFor();
  t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation when nothing matches');
  await page.getByRole('button', { name: 'Clear the filters' }).click();
  await page.waitForURL(/\/admin\/audit-log$/);
  await events.waitFor();
  t.equal(await page.getByRole('textbox', { name: 'Service name' }).inputValue(), '', 'the form is empty again');
  await page.close();
});

t.test('says so next to the last day when the range ends before it starts, and asks nothing', async (t) => {
  const page = await signedInPage(portal(), portal().accounts.admin, '/admin/audit-log?service=anything');
  await page.getByText('No event matches these filters.').waitFor();
  await applyFilters(page, { From: '2021-12-31', To: '2021-01-01' });
  await page.getByText('The end date is before the start date; choose a day on or after it.').waitFor();
  t.equal(new URL(page.url()).search, '?service=anything', 'the address, and so the query, is unchanged');
  t.equal(
    await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid'),
    'true',
    'the field is marked invalid',
  );
  t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation');
  await page.close();
});

t.test(
  'on a phone the filters fold behind a button that counts them, so the events start on the first screen',
  async (t) => {
    const trail = await arrangeTrail();
    const viewport = { width: 390, height: 844 };
    const path = `/admin/audit-log?${new URLSearchParams({ service: trail.tag })}`;
    const page = await signedInPage(portal(), portal().accounts.admin, path, { viewport });
    const events = page.getByRole('table', { name: 'Audit events' });
    await rowsOnlyOf(events, trail.tag);
    const toggle = page.getByRole('button', { name: 'Show filters (1 applied)' });
    t.equal(await toggle.getAttribute('aria-expanded'), 'false', 'folded at first');
    t.notOk(await page.getByRole('textbox', { name: 'Service name' }).isVisible(), 'the fields are out of the way');
    const firstRow = await events.locator('tbody tr').first().boundingBox();
    t.ok(firstRow && firstRow.y < viewport.height, `the first event starts on the first screen (at ${firstRow?.y} px)`);

    await toggle.click();
    await page.getByRole('button', { name: 'Hide filters' }).waitFor();
    await applyFilters(page, { 'Service name': trail.tag, Action: 'Approved' });
    await events.locator('tbody tr').filter({ hasNotText: 'Approved' }).first().waitFor({ state: 'detached' });
    t.same(await column(events, 3), ['Approved'], 'the unfolded fields filter as on a wide screen');
    t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation');
    await page.close();
  },
);
