import { accessibilityFindings, portalForTests, signedInPage } from '@payerbox/browser-testing';
import t from 'tap';

const portal = portalForTests(t, { apps: ['developer'] });

t.test(
  'the token example of a read-only Observation service reads an Observation of the sample data instead of searching',
  async (t) => {
    const developer = portal().accounts.developer;
    const created = await developer.api('POST', '/backend-services', {
      name: 'Lab results reader',
      authMethod: 'client_secret',
      scopeVersion: 'v2',
      scopes: ['system/Observation.r'],
    });
    t.equal(created.status, 201, created.body?.code ?? 'created');
    await portal().stack.waitForEnvironment(created.body.id, 'sandbox', 'ready');

    const page = await signedInPage(portal(), developer, `/services/${created.body.id}`);
    const examples = page.getByRole('region', { name: 'Token request examples' });
    const curl = examples.getByLabel('Token request with curl', { exact: true });
    await curl.waitFor();
    const script = (await curl.textContent()) ?? '';
    const fhirBase = `${portal().stack.emulators.sandbox.url}/fhir`;
    t.match(script, `'${fhirBase}/Observation/obs-test-pt-1-a1c'`, 'a read of an Observation of the sample data');
    t.notMatch(script, '_count', 'not a search, which the scopes do not grant');
    t.match(script, "Read one Observation of the sandbox's sample data", 'it says where the id comes from');
    t.same(await accessibilityFindings(page), [], 'no serious or critical accessibility violation');
    await page.close();
  },
);
