import t from 'tap';
import { bulkExportUrls, environmentUrls } from '../src/index.ts';

t.test('derives the environment constants from the public base URL', async (t) => {
  t.same(environmentUrls('https://sandbox.aidbox.example'), {
    fhirBaseUrl: 'https://sandbox.aidbox.example/fhir',
    smartConfigurationUrl: 'https://sandbox.aidbox.example/.well-known/smart-configuration',
    tokenUrl: 'https://sandbox.aidbox.example/auth/token',
    capabilityStatementUrl: 'https://sandbox.aidbox.example/fhir/metadata',
  });
});

t.test('ignores trailing slashes on the base URL', async (t) => {
  t.same(environmentUrls('https://aidbox.example//'), environmentUrls('https://aidbox.example'));
});

t.test('keeps a path prefix of the base URL', async (t) => {
  t.equal(environmentUrls('https://payer.example/aidbox/').tokenUrl, 'https://payer.example/aidbox/auth/token');
});

t.test('uses the organization FHIR base under OrgBAC but the server token URL', async (t) => {
  t.same(environmentUrls('https://aidbox.example/', 'org-east'), {
    fhirBaseUrl: 'https://aidbox.example/Organization/org-east/fhir',
    smartConfigurationUrl: 'https://aidbox.example/.well-known/smart-configuration',
    tokenUrl: 'https://aidbox.example/auth/token',
    capabilityStatementUrl: 'https://aidbox.example/Organization/org-east/fhir/metadata',
  });
});

t.test('treats a null organization as none', async (t) => {
  t.same(environmentUrls('https://aidbox.example', null), environmentUrls('https://aidbox.example'));
});

t.test('encodes an organization id that would otherwise change the path', async (t) => {
  t.equal(
    environmentUrls('https://aidbox.example', 'a/b').fhirBaseUrl,
    'https://aidbox.example/Organization/a%2Fb/fhir',
  );
});

t.test('puts the bulk export endpoints under the FHIR base it is given, with {id} placeholders', async (t) => {
  t.same(bulkExportUrls(environmentUrls('https://aidbox.example/').fhirBaseUrl), {
    systemUrl: 'https://aidbox.example/fhir/$export',
    patientUrl: 'https://aidbox.example/fhir/Patient/$export',
    groupUrlTemplate: 'https://aidbox.example/fhir/Group/{id}/$export',
    statusUrlTemplate: 'https://aidbox.example/fhir/$export-status/{id}',
  });
  t.equal(
    bulkExportUrls(environmentUrls('https://aidbox.example', 'org-east').fhirBaseUrl).systemUrl,
    'https://aidbox.example/Organization/org-east/fhir/$export',
    "an organization's exports go through its base",
  );
});
