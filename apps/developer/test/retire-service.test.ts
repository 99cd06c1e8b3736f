import { checkPageAtSize, focusIsWithin, portalForTests, signedInPage, VIEWPORTS } from '@payerbox/browser-testing';
import t from 'tap';
import { secretTokenRequest } from './helpers/secret-token.ts';

const portal = portalForTests(t, { apps: ['developer'] });

/** A client_secret service of the developer, approved and live in production, with the secret its create answered. */
/** An approved client-secret service, with its sandbox secret and production's own (retrieved once). */
async function liveService(name: string) {
  const { developer, admin } = portal().accounts;
  const created = await developer.api('POST', '/backend-services', {
    name,
    description: `${name}: eligibility checks for the partner pharmacy`,
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Coverage.rs'],
  });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const { id, clientId, clientSecret } = created.body;
  if ((await developer.api('POST', `/backend-services/${id}/submit`)).status !== 200) throw new Error('submit failed');
  if ((await admin.api('POST', `/admin/backend-services/${id}/approve`, {})).status !== 200) {
    throw new Error('approve failed');
  }
  await portal().stack.waitForEnvironment(id, 'production', 'ready');
  const retrieved = await developer.api('POST', `/backend-services/${id}/production-secret`);
  if (retrieved.status !== 200) throw new Error(`production secret: ${JSON.stringify(retrieved.body)}`);
  const secrets: Record<'sandbox' | 'production', string> = {
    sandbox: clientSecret,
    production: retrieved.body.clientSecret,
  };
  return { id, clientId: clientId as string, secrets };
}

/** What the environment's token endpoint answers the service's id and secret. */
function tokenRequest(environment: 'sandbox' | 'production', clientId: string, secret: string) {
  return secretTokenRequest(portal().stack.emulators[environment].url, clientId, secret);
}

for (const viewport of Object.values(VIEWPORTS)) {
  t.test(
    `retires an active service after a confirmation that says what happens, and its clients stop getting tokens (${viewport.name})`,
    async (t) => {
      const name = `Pharmacy eligibility ${Math.random().toString(16).slice(2, 8)}`;
      const service = await liveService(name);
      t.equal(
        (await tokenRequest('production', service.clientId, service.secrets.production)).status,
        200,
        'live before',
      );
      const page = await signedInPage(portal(), portal().accounts.developer, `/services/${service.id}`, { viewport });
      await page.getByRole('heading', { name, level: 1 }).waitFor();

      // Cancel first: nothing happens.
      await page.getByRole('button', { name: 'Retire', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Retire this service?' });
      await dialog.getByText('This cannot be undone').waitFor();
      const says = (await dialog.textContent()) ?? '';
      t.match(says, 'switched off at once in production and in the sandbox', 'says both clients go off at once');
      t.match(says, `its client id ${service.clientId} stops getting tokens`, 'says the client id stops working');
      t.ok(await focusIsWithin(dialog.getByRole('button', { name: 'Cancel' })), 'focus starts on Cancel');
      await checkPageAtSize(t, page, { app: 'developer', page: 'retire-confirmation', viewport });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      t.equal(
        (await portal().accounts.developer.api('GET', `/backend-services/${service.id}`)).body.status,
        'active',
        'cancelled: still active',
      );

      await page.getByRole('button', { name: 'Retire', exact: true }).click();
      await dialog
        .getByRole('textbox', { name: 'Reason (optional)' })
        .fill('We moved eligibility to the new platform.');
      await dialog.getByRole('button', { name: 'Retire service' }).click();
      await dialog.waitFor({ state: 'detached' });

      const nextSteps = page.getByTestId('rejected-next-steps');
      await nextSteps.getByText('You retired this service').waitFor();
      t.ok(await focusIsWithin(nextSteps), 'focus moves to what the developer can do now, the dialog being gone');
      t.match(await nextSteps.textContent(), `its client id ${service.clientId} no longer works`, 'says it in words');
      t.notOk(await nextSteps.getByText('An administrator deactivated').count(), 'not told apart as a deactivation');
      const reason = page.getByTestId('rejection-reason');
      await reason.getByText('Your reason for retiring it').waitFor();
      t.match(await reason.textContent(), 'We moved eligibility to the new platform.', 'the reason given');
      await page.getByText('Rejected', { exact: true }).first().waitFor();
      await page.getByText('Retired by its owner').waitFor();
      t.notOk(await page.getByRole('button', { name: 'Retire', exact: true }).count(), 'no Retire any more');
      await nextSteps.getByRole('button', { name: 'Start a new service from this one' }).waitFor();

      await portal().stack.waitForEnvironment(service.id, 'production', 'disabled');
      await portal().stack.waitForEnvironment(service.id, 'sandbox', 'disabled');
      for (const environment of ['production', 'sandbox'] as const) {
        const client = portal().stack.emulators[environment].resource('Client', service.clientId);
        t.equal(client?.active, false, `the ${environment} Client is switched off`);
        t.same(
          await tokenRequest(environment, service.clientId, service.secrets[environment]),
          { status: 400, error: 'invalid_client' },
          `the ${environment} token endpoint refuses the client`,
        );
      }
      await page
        .getByRole('region', { name: 'Production' })
        .getByText('The client is switched off here and cannot get tokens.')
        .waitFor();
      await checkPageAtSize(t, page, { app: 'developer', page: 'service-retired', viewport });
      await page.close();
    },
  );
}
