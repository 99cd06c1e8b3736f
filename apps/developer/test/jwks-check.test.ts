import { accessibilityFindings, jwksServerForTests, portalForTests, signedInPage } from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });
const jwks = jwksServerForTests(t);

/** The per-user limit of POST /api/v1/jwks-checks (JWKS_CHECKS_PER_MINUTE in the registration service). */
const CHECKS_PER_MINUTE = 20;

t.test('leads the service page’s JWKS report with a published private key, and checks again on request', async (t) => {
  // The second developer: this test spends their JWKS check budget for the minute.
  const developer = portal().accounts.developer2;
  const name = `Key set check ${Math.random().toString(16).slice(2, 8)}`;
  jwks().serve();
  const created = await developer.api('POST', '/backend-services', {
    name,
    authMethod: 'jwks_uri',
    jwksUri: jwks().url,
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.status, 201, 'registered while its key set was fine');
  // Later the partner publishes the private half by mistake.
  jwks().serve({ keys: [jwks().privateJwk] });

  const page = await signedInPage(portal(), developer, `/services/${created.body.id}`);
  const section = page.getByRole('region', { name: 'JWKS URI' });
  const report = section.getByRole('region', { name: 'JWKS check report' });
  const headline = report.getByText(/^This key set publishes a private key/);
  await headline.waitFor();
  t.match(
    await headline.textContent(),
    `the key "${jwks().kid}" includes its private part (d, p, q, dp, dq, qi). Treat it as compromised: make a new key ` +
      'pair, publish only its public key, and stop using the old one.',
    'the worst problem is the headline, in words, with what to do',
  );
  t.same(await accessibilityFindings(page), [], 'no serious or critical axe violation with the failing report');

  jwks().serve();
  await section.getByRole('button', { name: 'Check again' }).click();
  await report.getByText('The key set passes').waitFor();
  t.equal(await headline.count(), 0, 'Check again shows the key set as it is now');

  // Spend the rest of the minute's checks, so the next one is refused with 429.
  const spent = await Promise.all(
    Array.from({ length: CHECKS_PER_MINUTE }, () => developer.api('POST', '/jwks-checks', { jwksUri: jwks().url })),
  );
  t.ok(
    spent.some((response) => response.status === 429),
    'the API refuses checks past its limit',
  );
  await section.getByRole('button', { name: 'Check again' }).click();
  const refused = section.getByRole('alert').filter({ hasText: 'The key set was not checked' });
  await refused.waitFor();
  t.match(
    await refused.textContent(),
    /At most 20 checks a minute; try again in \d+ seconds?\./,
    'the refusal is a sentence saying when to try again',
  );
  t.equal(await report.getByText('The key set passes').count(), 1, 'the last report stays below it');
  await page.close();
});
