import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import {
  checkPageAtSize,
  followNavigationLink,
  type Page,
  portalForTests,
  signedInPage,
  VIEWPORTS,
} from '@payerbox/browser-testing';
import { freePort } from '@payerbox/dev-stack/embedded-postgres';
import { runProcess } from '@payerbox/dev-stack/processes';
import t, { type Test } from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });

/** A partner's receiver on loopback that accepts every delivery and keeps its headers. */
async function receiver(t: Test) {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received.push(request.headers);
      response.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/hooks`, received };
}

/** The notifier process against the portal's database: it makes the deliveries the log shows. */
async function notifier(t: Test) {
  const { stack } = portal();
  const child = runProcess('notifier', 'services/notifier/src/server.ts', {
    DATABASE_URL: stack.databaseUrl,
    SECRET_ENCRYPTION_KEYS: stack.keyring,
    ALLOW_LOOPBACK_JWKS: 'true',
    SANDBOX_AIDBOX_URL: stack.emulators.sandbox.url,
    PRODUCTION_AIDBOX_URL: stack.emulators.production.url,
    LOG_LEVEL: 'silent',
    // No mail server: e-mails wait in the queue; webhooks are what this page shows.
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(await freePort()),
    SMTP_TLS: 'none',
    MAIL_FROM: 'Payerbox portal <no-reply@portal.test>',
    POLL_INTERVAL_MS: '100',
    METRICS_PORT: '0',
  });
  t.teardown(() => child.stop(5_000));
}

async function addEndpoint(page: Page, url: string) {
  await page.getByRole('textbox', { name: 'Endpoint URL' }).fill(url);
  await page.getByRole('checkbox', { name: /service\.approved/ }).check();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
}

t.test(
  'a developer adds a webhook endpoint, saves its secret, tests it, reads the delivery log, redelivers, edits and deletes it',
  async (t) => {
    const hooks = await receiver(t);
    await notifier(t);
    const page = await signedInPage(portal(), portal().accounts.developer, '/');
    await followNavigationLink(page, 'Webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText('Enter the URL that receives the events.').waitFor();
    await page.getByText('Pick at least one event to send.').waitFor();
    t.pass('an empty form is refused with sentences about each field');
    t.ok(
      await page
        .getByText('An administrator approved one of your services; it is going live in production.')
        .isVisible(),
      'each event is explained in a sentence',
    );

    await addEndpoint(page, hooks.url);
    const dialog = page.getByRole('dialog', { name: 'Your webhook signing secret' });
    await dialog.waitFor();
    const secret = (await dialog.getByLabel('Signing secret', { exact: true }).textContent()) ?? '';
    t.match(secret, /^whsec_/, 'the secret is shown once, in the Standard Webhooks format');
    await dialog.getByRole('checkbox', { name: 'I have stored the signing secret somewhere safe' }).check();
    await dialog.getByRole('button', { name: 'I have saved the secret' }).click();
    await dialog.waitFor({ state: 'detached' });
    t.notMatch(await page.content(), secret, 'and gone once acknowledged');

    const table = page.getByRole('table', { name: 'Your webhook endpoints' });
    await table.getByText(hooks.url).waitFor();
    await page.getByRole('button', { name: `Send test to ${hooks.url}` }).click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await log.getByText('Delivered').waitFor();
    t.ok(await log.getByText('HTTP 204').isVisible(), 'the log shows the receiver’s answer');
    t.ok(await log.getByText(/^\d+ ms$/).isVisible(), 'and the latency');
    t.equal(hooks.received.length, 1, 'the receiver got the test');
    const webhookId = hooks.received[0]?.['webhook-id'];

    await log.getByRole('button', { name: /^Redeliver webhook\.test/ }).click();
    await log.getByRole('cell', { name: '2', exact: true }).waitFor();
    t.equal(hooks.received.length, 2, 'redelivered');
    t.equal(hooks.received[1]?.['webhook-id'], webhookId, 'under the same webhook-id');

    await page.getByRole('button', { name: `Edit ${hooks.url}` }).click();
    const edit = page.getByRole('dialog', { name: 'Edit webhook endpoint' });
    await edit.getByRole('checkbox', { name: /service\.rejected/ }).check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await table.getByText('service.approved, service.rejected').waitFor();
    t.pass('the edit shows in the list');

    // The page with an endpoint and its delivery log, opened at each window size the other suites use.
    for (const viewport of Object.values(VIEWPORTS)) {
      const sized = await signedInPage(portal(), portal().accounts.developer, '/webhooks', { viewport });
      await sized.getByRole('button', { name: `Deliveries to ${hooks.url}` }).click();
      await sized.getByRole('table', { name: 'Delivery log' }).getByText('Delivered').waitFor();
      await checkPageAtSize(t, sized, { app: 'developer', page: 'webhooks', viewport });
      await sized.close();
    }

    await page.getByRole('button', { name: `Delete ${hooks.url}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this webhook endpoint?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('You have no webhook endpoints.').waitFor();
    t.pass('deleted after confirming');
    await page.close();
  },
);

t.test('a URL the portal must not call is refused next to the field, in a sentence', async (t) => {
  const page = await signedInPage(portal(), portal().accounts.developer2, '/webhooks');
  await addEndpoint(page, 'https://10.0.0.7/hooks');
  const message = page.getByText('The URL resolves to 10.0.0.7 (private), which the portal does not connect to.');
  await message.waitFor();
  t.pass('the refusal names the address');
  await page.close();
});
