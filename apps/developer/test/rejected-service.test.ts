import {
  checkPageAtSize,
  jwksServerForTests,
  portalForTests,
  saveScreenshot,
  signedInPage,
  submittedService,
  VIEWPORTS,
} from '@payerbox/browser-testing';
import t from 'tap';
import { secretTokenRequest } from './helpers/secret-token.ts';

const portal = portalForTests(t, { apps: ['developer'] });
const jwks = jwksServerForTests(t);

for (const viewport of Object.values(VIEWPORTS)) {
  t.test(
    `a service rejected at review says what the developer can do next and copies it into a new draft, its secret shown once (${viewport.name})`,
    async (t) => {
      const name = `Claims sync ${Math.random().toString(16).slice(2, 8)}`;
      const source = await submittedService(portal(), name, ['system/Coverage.rs', 'system/Patient.r']);
      const rejected = await portal().accounts.admin.api('POST', `/admin/backend-services/${source.id}/reject`, {
        reason: 'Patient read is not needed for claims; ask for Coverage only.',
      });
      t.equal(rejected.status, 200, 'rejected by the admin');
      const developer = portal().accounts.developer;
      const before = (await developer.api('GET', `/backend-services/${source.id}`)).body;
      const page = await signedInPage(portal(), developer, `/services/${source.id}`, { viewport });

      const nextSteps = page.getByTestId('rejected-next-steps');
      await nextSteps.getByText('A rejected service cannot be edited or submitted again').waitFor();
      t.match(await nextSteps.textContent(), /its own client id and a new client secret, shown once/);
      await page.getByTestId('rejection-reason').getByText('Reason given by the reviewer').waitFor();
      const production = page.getByRole('region', { name: 'Production' });
      await production.getByText('This service was rejected at review, so it has no production client').waitFor();
      t.notOk(await production.getByText('appear once', { exact: false }).count(), 'no promise of production URLs');
      await checkPageAtSize(t, page, { app: 'developer', page: 'service-rejected', viewport });
      if (viewport === VIEWPORTS.desktop) await saveScreenshot(page, 'developer-service-rejected');

      // A double click makes one new service: every copy request of this page carries the same Idempotency-Key.
      const keys: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith(`/backend-services/${source.id}/copy`)) {
          keys.push(request.headers()['idempotency-key'] ?? '');
        }
      });
      await nextSteps.getByRole('button', { name: 'Start a new service from this one' }).dblclick();
      const dialog = page.getByRole('dialog', { name: 'Save your client secret' });
      const clientId = (await dialog.getByLabel('Client ID', { exact: true }).textContent()) ?? '';
      const secret = (await dialog.getByLabel('Client secret', { exact: true }).textContent()) ?? '';
      t.match(secret, /^pbx_cs_/, 'a client secret is shown');
      t.not(clientId, before.clientId, 'with a new client id');
      t.ok(keys.length > 0 && keys.every((key) => key === keys[0] && key !== ''), 'one Idempotency-Key for the page');
      await dialog.getByRole('checkbox', { name: 'I have stored the client secret somewhere safe' }).check();
      await dialog.getByRole('button', { name: 'I have saved the secret' }).click();

      const notice = page.getByTestId('copied-from');
      await notice.getByText(`Copied from "${name}"`).waitFor();
      t.match(await notice.textContent(), 'Reason given by the reviewer: Patient read is not needed for claims');
      const copyId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
      t.not(copyId, source.id, 'the new draft opens');
      await page.getByText('Draft', { exact: true }).first().waitFor();
      t.notMatch(await page.content(), secret, 'the page does not show the secret');
      await checkPageAtSize(t, page, { app: 'developer', page: 'service-copied', viewport });

      const list = await developer.api('GET', `/backend-services?limit=100&q=${encodeURIComponent(name)}`);
      t.same(
        list.body.items.map((s: { id: string }) => s.id).sort(),
        [source.id, copyId].sort(),
        'one copy, beside the rejected service',
      );
      const copy = (await developer.api('GET', `/backend-services/${copyId}`)).body;
      t.match(copy, { status: 'draft', clientId, name, scopes: ['system/Coverage.rs', 'system/Patient.r'] });
      // Its environments may still be settling after the reject; what the copy must not touch is the record itself.
      const record = ({ environments, ...rest }: { environments: unknown }) => rest;
      t.same(
        record((await developer.api('GET', `/backend-services/${source.id}`)).body),
        record(before),
        'the original is untouched',
      );
      await portal().stack.waitForEnvironment(copyId, 'sandbox', 'ready');
      t.equal(
        (await secretTokenRequest(portal().stack.emulators.sandbox.url, clientId, secret)).status,
        200,
        'the secret shown once gets a sandbox token',
      );

      // What the reviewer asked for: drop Patient in the draft before submitting it.
      await page.getByRole('link', { name: 'Edit', exact: true }).click();
      const preview = page.getByTestId('scope-preview');
      await preview.getByText('system/Patient.r', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Remove resource 2' }).click();
      await preview.getByText('system/Patient.r', { exact: true }).waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.waitForURL(`${portal().url}/services/${copyId}`);
      await page.getByRole('button', { name: 'Submit for Review' }).waitFor();
      t.same(
        (await developer.api('GET', `/backend-services/${copyId}`)).body.scopes,
        ['system/Coverage.rs'],
        'the draft is edited',
      );
      await page.close();
    },
  );
}

t.test(
  'a copy of a rejected JWKS URI service opens as a new draft at once, there being no secret to show',
  async (t) => {
    const name = `Risk scores ${Math.random().toString(16).slice(2, 8)}`;
    const source = await submittedService(portal(), name, ['system/Patient.rs'], jwks().url);
    const admin = portal().accounts.admin;
    t.equal(
      (await admin.api('POST', `/admin/backend-services/${source.id}/reject`, { reason: 'Not now.' })).status,
      200,
    );
    const page = await signedInPage(portal(), portal().accounts.developer, `/services/${source.id}`);
    const nextSteps = page.getByTestId('rejected-next-steps');
    t.notMatch(await nextSteps.textContent(), 'client secret', 'no secret is promised');
    await nextSteps.getByRole('button', { name: 'Start a new service from this one' }).click();
    await page.getByTestId('copied-from').getByText(`Copied from "${name}"`).waitFor();
    const copyId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    t.not(copyId, source.id, 'the new draft opens');
    t.equal(await page.getByRole('dialog').count(), 0, 'no dialog on the way');
    const copy = (await portal().accounts.developer.api('GET', `/backend-services/${copyId}`)).body;
    t.match(copy, { status: 'draft', authMethod: 'jwks_uri', jwksUri: jwks().url, name });
    await page.close();
  },
);

t.test('a service deactivated after going live says so and still offers a new start', async (t) => {
  const source = await submittedService(portal(), 'Care gaps');
  const admin = portal().accounts.admin;
  t.equal((await admin.api('POST', `/admin/backend-services/${source.id}/approve`, {})).status, 200);
  const deactivated = await admin.api('POST', `/admin/backend-services/${source.id}/deactivate`, {
    reason: 'The partner contract ended.',
  });
  t.equal(deactivated.status, 200, 'deactivated by the admin');
  const page = await signedInPage(portal(), portal().accounts.developer, `/services/${source.id}`);
  const nextSteps = page.getByTestId('rejected-next-steps');
  await nextSteps.getByText('An administrator deactivated this service after it went live').waitFor();
  await nextSteps.getByRole('button', { name: 'Start a new service from this one' }).waitFor();
  t.notOk(
    await page.getByRole('region', { name: 'Production' }).getByText('rejected at review').count(),
    'the production card shows the switched-off client, not "rejected at review"',
  );
});

t.test('a rejected service can be removed from the dashboard, and the dashboard says so', async (t) => {
  const source = await submittedService(portal(), `Removable ${Math.random().toString(16).slice(2, 8)}`);
  const rejected = await portal().accounts.admin.api('POST', `/admin/backend-services/${source.id}/reject`, {
    reason: 'Not needed.',
  });
  t.equal(rejected.status, 200, 'rejected by the admin');
  const page = await signedInPage(portal(), portal().accounts.developer, `/services/${source.id}`);
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove this service from your dashboard?' });
  await dialog.getByText('administrators and the audit trail keep it').waitFor();
  await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
  const notice = page.getByRole('status').filter({ hasText: 'Service removed' });
  await notice.getByText(`"${source.name}" is off your dashboard; its clients stay switched off.`).waitFor();
  t.equal(
    (await portal().accounts.developer.api('GET', `/backend-services/${source.id}`)).status,
    404,
    'gone for its owner',
  );
  t.equal(
    (await portal().accounts.admin.api('GET', `/admin/backend-services/${source.id}`)).status,
    200,
    'kept for administrators',
  );
});
