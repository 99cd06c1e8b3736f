import t from 'tap';
import {
  type AidboxClient,
  accessPolicyMatches,
  accessPolicyResource,
  clientMatches,
  clientResource,
  type Extension,
  type ServiceSpec,
} from '../src/index.ts';

const service: ServiceSpec = {
  clientId: 'bs-00112233445566778899aabbccddeeff',
  authMethod: 'client_secret',
  jwksUri: null,
  scopeVersion: 'v2',
  scopes: ['system/Patient.rs'],
  organizationId: 'org-east',
};

const desired = clientResource(service, { active: true, secret: 'pbx_cs_secret' });
const policy = accessPolicyResource(service);
const serverMeta = { lastUpdated: '2026-11-22T10:00:00Z', versionId: '42', createdAt: '2026-11-01T10:00:00Z' };

/** What Aidbox returns for `desired`: no secret, server meta added, keys in another order. */
function asStored(client: AidboxClient): AidboxClient {
  const { secret: _secret, ...rest } = client;
  return { meta: { ...serverMeta, ...client.meta }, ...rest };
}

t.test('a client as Aidbox returns it matches the client that was written', async (t) => {
  t.ok(clientMatches(desired, asStored(desired)));
});

t.test('a missing client does not match', async (t) => {
  t.notOk(clientMatches(desired, undefined));
});

t.test('a client that was deactivated by hand has drifted', async (t) => {
  t.notOk(clientMatches(desired, { ...asStored(desired), active: false }));
});

t.test('a client with changed scopes has drifted', async (t) => {
  t.notOk(clientMatches(desired, { ...asStored(desired), scope: ['system/*.cruds'] }));
});

t.test('a client with a field the portal never writes has drifted', async (t) => {
  t.notOk(clientMatches(desired, { ...asStored(desired), grant_types: ['client_credentials', 'basic'] }));
  t.notOk(clientMatches(desired, { ...asStored(desired), jwks_uri: 'https://attacker.example/jwks.json' }));
});

t.test('a client that lost its organization binding has drifted', async (t) => {
  t.notOk(clientMatches(desired, { ...asStored(desired), meta: serverMeta }));
});

t.test('a client without meta matches when the desired one has none', async (t) => {
  const unbound = clientResource({ ...service, organizationId: null }, { active: true, secret: 's' });
  t.ok(clientMatches(unbound, { ...asStored(unbound), meta: serverMeta }));
  t.ok(clientMatches(unbound, asStored(unbound)));
});

t.test('a client bound to another organization has drifted', async (t) => {
  const elsewhere = clientResource({ ...service, organizationId: 'org-west' }, { active: true, secret: 's' });
  t.notOk(clientMatches(desired, asStored(elsewhere)));
});

t.test('the organization binding matches whichever reference form Aidbox answers with', async (t) => {
  const url = 'https://aidbox.app/tenant-organization-id';
  const withBinding = (binding: Extension) => ({ ...asStored(desired), meta: { ...serverMeta, extension: [binding] } });
  t.ok(clientMatches(desired, withBinding({ url, value: { Reference: { id: 'org-east' } } })), 'native, id only');
  t.ok(clientMatches(desired, withBinding({ url, valueReference: { reference: 'Organization/org-east' } })), 'FHIR');
  t.notOk(clientMatches(desired, withBinding({ url, valueReference: { reference: 'Organization/org-west' } })));
  t.notOk(
    clientMatches(desired, withBinding({ url, value: { Reference: { resourceType: 'Patient', id: 'org-east' } } })),
    'a reference to something that is not an organization',
  );
});

t.test('a bound client read back as JSON matches, and its policy too', async (t) => {
  t.ok(clientMatches(desired, JSON.parse(JSON.stringify(asStored(desired)))));
  t.ok(accessPolicyMatches(policy, JSON.parse(JSON.stringify({ ...policy, meta: serverMeta }))));
});

t.test('a different secret is not seen, because Aidbox never returns one', async (t) => {
  t.ok(clientMatches(desired, { ...asStored(desired), secret: 'sha256-of-something' }));
});

t.test('an access policy as Aidbox returns it matches the policy that was written', async (t) => {
  t.ok(accessPolicyMatches(policy, { ...policy, meta: serverMeta }));
  t.ok(accessPolicyMatches(policy, JSON.parse(JSON.stringify(policy))));
});

t.test('an access policy with widened operations has drifted', async (t) => {
  const widened = accessPolicyResource({ ...service, scopes: ['system/Patient.cruds'] });
  t.notOk(accessPolicyMatches(policy, widened));
  t.notOk(accessPolicyMatches(policy, undefined));
});

t.test('an access policy linked to another client has drifted', async (t) => {
  t.notOk(accessPolicyMatches(policy, { ...policy, link: [{ resourceType: 'Client', id: 'someone-else' }] }));
});
