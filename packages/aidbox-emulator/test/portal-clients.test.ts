// The portal's own Aidbox clients, as the init bundles of infra/aidbox/ create them and as the emulator evaluates
// their AccessPolicies: the provisioner may write the portal's Clients and their policies and nothing else; the
// registration service's reader may read Organizations and nothing else.
import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { type PortalEnvironment, portalInitBundle } from '../src/index.ts';
import { ADMIN, type Answer, basic, call, startEmulator } from './emulator-fixture.ts';

type Request = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;

/** An id of the form the registration service gives its clients (`bs-<32 hex>`). */
const portalClientId = () => `bs-${randomBytes(16).toString('hex')}`;

/** A Client as the provisioner writes one (packages/aidbox/src/mapping.ts). */
const portalClient = (id: string, overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Client',
  id,
  active: true,
  grant_types: ['client_credentials'],
  scope: ['system/Patient.rs'],
  auth: { client_credentials: { token_format: 'jwt', access_token_expiration: 300 } },
  secret: `pbx_cs_${randomBytes(8).toString('hex')}`,
  ...overrides,
});

/** The AccessPolicy the provisioner writes for a client. */
const portalPolicy = (clientId: string, overrides: Record<string, unknown> = {}) => ({
  resourceType: 'AccessPolicy',
  id: `${clientId}-policy`,
  engine: 'matcho',
  link: [{ resourceType: 'Client', id: clientId }],
  matcho: {
    '$one-of': [
      {
        client: { id: clientId, active: true },
        params: { 'resource/type': 'Patient' },
        operation: { id: { $enum: ['FhirRead', 'FhirSearch'] } },
      },
    ],
  },
  description: `Backend service ${clientId}`,
  ...overrides,
});

/** An emulator started with an environment's init bundle; requests as its provisioner, its reader or root. */
async function portalAidbox(t: Test, environment: PortalEnvironment = 'production') {
  const { initBundle, credentials } = portalInitBundle(environment);
  const aidbox = await startEmulator(t, { initBundle, name: environment });
  const as =
    (authorization: string): Request =>
    (method, path, body, headers = {}) =>
      call(`${aidbox.url}${path}`, { method, body, headers: { authorization, ...headers } });
  const { provisioner, reader } = credentials;
  return {
    aidbox,
    credentials,
    provisioner: as(basic(provisioner.clientId, provisioner.clientSecret)),
    reader: as(basic(reader.clientId, reader.clientSecret)),
    root: as(basic(ADMIN.id, ADMIN.secret)),
  };
}

for (const environment of ['sandbox', 'production'] as const) {
  t.test(
    `the provisioning client does all the provisioner does with the portal's clients (${environment})`,
    async (t) => {
      const { provisioner } = await portalAidbox(t, environment);
      const id = portalClientId();
      const policyId = `${id}-policy`;
      const bound = {
        meta: {
          extension: [
            {
              url: 'https://aidbox.app/tenant-organization-id',
              value: { Reference: { resourceType: 'Organization', id: 'org-acme-health' } },
            },
          ],
        },
      };
      t.equal((await provisioner('PUT', `/Client/${id}`, portalClient(id))).status, 201, 'creates a client');
      t.equal((await provisioner('GET', `/Client/${id}`)).status, 200, 'reads it back (drift check)');
      const jwks = {
        jwks_uri: 'https://partner.example/jwks.json',
        auth: {
          client_credentials: {
            token_format: 'jwt',
            access_token_expiration: 300,
            client_assertion_types: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
          },
        },
      };
      const { secret: _secret, ...withoutSecret } = portalClient(id, { ...jwks, ...bound });
      t.equal((await provisioner('PUT', `/Client/${id}`, withoutSecret)).status, 200, 'replaces it (JWKS, bound)');
      const patch = { 'content-type': 'application/merge-patch+json' };
      t.equal((await provisioner('PATCH', `/Client/${id}`, { active: false }, patch)).status, 200, 'deactivates it');
      t.equal(
        (await provisioner('PUT', `/AccessPolicy/${policyId}`, portalPolicy(id))).status,
        201,
        'writes its policy',
      );
      t.equal((await provisioner('GET', `/AccessPolicy/${policyId}`)).status, 200, 'reads the policy back');
      const replaced = portalPolicy(id, { description: 'replaced' });
      t.equal((await provisioner('PUT', `/AccessPolicy/${policyId}`, replaced)).status, 200, 'replaces the policy');
      t.equal((await provisioner('DELETE', `/AccessPolicy/${policyId}`)).status, 200, 'deletes the policy');
      t.equal((await provisioner('DELETE', `/Client/${id}`)).status, 200, 'deletes the client');
      t.equal((await provisioner('DELETE', `/Client/${id}`)).status, 204, 'and again, already gone');
      t.equal((await provisioner('GET', `/Client/${portalClientId()}`)).status, 404, 'a client that never was');
    },
  );
}

t.test("refuses the provisioning client Aidbox's own clients, PUT /Client/root above all", async (t) => {
  const { aidbox, provisioner } = await portalAidbox(t);
  for (const id of ['root', 'portal-provisioner', 'portal-reader']) {
    const answer = await provisioner('PUT', `/Client/${id}`, portalClient(id, { grant_types: ['basic'] }));
    t.equal(answer.status, 403, `PUT /Client/${id}`);
    t.equal(answer.body.issue[0].code, 'forbidden');
    t.equal((await provisioner('DELETE', `/Client/${id}`)).status, 403, `DELETE /Client/${id}`);
  }
  t.equal(aidbox.emulator.resource('Client', 'root'), undefined, 'nothing was stored');
  t.match(aidbox.emulator.resource('Client', 'portal-provisioner'), { grant_types: ['basic'] }, 'its own is intact');
  t.equal((await provisioner('GET', '/Client/portal-reader')).status, 403, 'may not even read them');
  t.equal((await provisioner('GET', '/Client')).status, 403, 'nor search them');
  const hex = randomBytes(16).toString('hex');
  for (const id of [
    `bs-${hex.slice(1)}`,
    `bs-${hex}0`,
    `BS-${hex}`,
    `bs-${hex.toUpperCase()}`,
    'svc-1',
    `x-bs-${hex}`,
  ]) {
    t.equal((await provisioner('PUT', `/Client/${id}`, portalClient(id))).status, 403, `an id not of the form: ${id}`);
  }
});

t.test('lets the provisioning client write a portal Client only as a client_credentials client', async (t) => {
  const { aidbox, provisioner } = await portalAidbox(t);
  const id = portalClientId();
  const widened: [string, Record<string, unknown>][] = [
    ['the basic grant', { grant_types: ['basic'] }],
    ['another grant beside client_credentials', { grant_types: ['client_credentials', 'basic'] }],
    ['the password grant', { grant_types: ['password'] }],
    ['trusted', { trusted: true }],
    ['first_party', { first_party: true }],
    ['a type', { type: 'smart-app' }],
    ['policy references', { scopes: [{ policy: { resourceType: 'AccessPolicy', id: 'anything' } }] }],
    ['allowed-scopes', { 'allowed-scopes': [{ resourceType: 'Scope', id: 'anything' }] }],
    ['other token issuers', { allowedIssuers: ['https://issuer.example'] }],
    ['a body naming another client', { id: 'root' }],
  ];
  for (const [what, overrides] of widened) {
    t.equal((await provisioner('PUT', `/Client/${id}`, portalClient(id, overrides))).status, 403, `PUT with ${what}`);
  }
  t.equal(aidbox.emulator.resource('Client', id), undefined, 'nothing was stored');
  t.equal((await provisioner('PUT', `/Client/${id}`, portalClient(id))).status, 201);
  const patch = { 'content-type': 'application/merge-patch+json' };
  for (const [what, overrides] of widened.filter(([, o]) => !('id' in o))) {
    t.equal((await provisioner('PATCH', `/Client/${id}`, overrides, patch)).status, 403, `PATCH with ${what}`);
  }
  const jsonPatch = [{ op: 'add', path: '/grant_types/-', value: 'basic' }];
  const patched = await provisioner('PATCH', `/Client/${id}`, jsonPatch, {
    'content-type': 'application/json-patch+json',
  });
  t.equal(patched.status, 403, 'a JSON Patch, whose body no pattern of the policy can vouch for');
  t.match(aidbox.emulator.resource('Client', id), { grant_types: ['client_credentials'] }, 'the client is unchanged');
  t.notOk('trusted' in (aidbox.emulator.resource('Client', id) ?? {}));
});

t.test('lets the provisioning client write only matcho policies linked to portal clients alone', async (t) => {
  const { aidbox, provisioner } = await portalAidbox(t);
  const id = portalClientId();
  const policyId = `${id}-policy`;
  const { link: _link, ...linkless } = portalPolicy(id);
  const refused: [string, Record<string, unknown>][] = [
    ['no link (a global policy)', linkless],
    ['an empty link (a global policy)', portalPolicy(id, { link: [] })],
    ['engine allow', portalPolicy(id, { engine: 'allow', matcho: undefined })],
    ['engine allow without a link', { ...linkless, engine: 'allow' }],
    ['engine sql', portalPolicy(id, { engine: 'sql', sql: { query: 'select true' } })],
    ['engine complex', portalPolicy(id, { engine: 'complex', or: [{ engine: 'allow' }] })],
    ['a sql beside its matcho', portalPolicy(id, { sql: { query: 'select true' } })],
    ['a link to the provisioner', portalPolicy(id, { link: [{ resourceType: 'Client', id: 'portal-provisioner' }] })],
    ['a link to root', portalPolicy(id, { link: [{ resourceType: 'Client', id: 'root' }] })],
    ['a link to an Operation', portalPolicy(id, { link: [{ resourceType: 'Operation', id: 'FhirRead' }] })],
    [
      'a second link to an Operation',
      portalPolicy(id, {
        link: [
          { resourceType: 'Client', id },
          { resourceType: 'Operation', id: 'FhirRead' },
        ],
      }),
    ],
    ['a link in reference form', portalPolicy(id, { link: [{ reference: `Client/${id}` }] })],
    ['a role', portalPolicy(id, { roleName: 'admin' })],
  ];
  for (const [what, policy] of refused) {
    t.equal((await provisioner('PUT', `/AccessPolicy/${policyId}`, policy)).status, 403, what);
  }
  t.equal(aidbox.emulator.resource('AccessPolicy', policyId), undefined, 'nothing was stored');
  const elsewhere = { ...portalPolicy(id), id: 'bs-policy' };
  t.equal((await provisioner('PUT', '/AccessPolicy/bs-policy', elsewhere)).status, 403, 'an id not <client>-policy');
  for (const own of [
    'as-portal-provisioner-write-portal-client-policies',
    'as-portal-reader-read-organizations',
    'portal-provisioner-clients',
  ]) {
    t.equal((await provisioner('DELETE', `/AccessPolicy/${own}`)).status, 403, `DELETE /AccessPolicy/${own}`);
    t.equal((await provisioner('PUT', `/AccessPolicy/${own}`, { ...linkless, id: own })).status, 403, `PUT ${own}`);
  }
  t.ok(aidbox.emulator.resource('AccessPolicy', 'as-portal-provisioner-write-portal-client-policies'), 'intact');
  t.equal((await provisioner('PUT', `/AccessPolicy/${policyId}`, portalPolicy(id))).status, 201);
  const patch = { 'content-type': 'application/merge-patch+json' };
  const dropped = await provisioner('PATCH', `/AccessPolicy/${policyId}`, { link: null }, patch);
  t.equal(dropped.status, 403, 'no merge patch of a policy, which could drop its links');
  t.match(aidbox.emulator.resource('AccessPolicy', policyId), { link: [{ resourceType: 'Client', id }] });
});

t.test('the provisioning client reads no organizations and no FHIR data', async (t) => {
  const { provisioner } = await portalAidbox(t);
  t.equal((await provisioner('GET', '/Organization')).status, 403);
  t.equal((await provisioner('GET', '/Organization/org-acme-health')).status, 403);
  t.equal((await provisioner('GET', '/fhir/Patient')).status, 403);
  t.equal((await provisioner('GET', '/AccessPolicy')).status, 403);
});

t.test('the read-only client lists and reads organizations, paging with _count and _page', async (t) => {
  const { reader, aidbox } = await portalAidbox(t);
  const first = await reader('GET', '/Organization?_count=2');
  t.equal(first.status, 200);
  t.equal(first.body.entry.length, 2);
  const next = first.body.link.find((link: { relation: string }) => link.relation === 'next').url as string;
  const second = await reader('GET', next.slice(aidbox.url.length));
  t.equal(second.status, 200, `follows ${next}`);
  t.equal((await reader('GET', '/Organization')).status, 200);
  t.equal((await reader('GET', '/Organization/org-acme-health')).status, 200);
});

t.test('the read-only client is refused everything but reading organizations', async (t) => {
  const { reader } = await portalAidbox(t);
  for (const path of [
    '/Client',
    '/Client/portal-provisioner',
    '/AccessPolicy',
    '/fhir/Patient',
    '/fhir/Organization',
  ]) {
    t.equal((await reader('GET', path)).status, 403, `GET ${path}`);
  }
  const id = portalClientId();
  t.equal((await reader('PUT', `/Client/${id}`, portalClient(id))).status, 403, 'PUT /Client');
  for (const query of [
    '_include=Organization:partof',
    '_revinclude=Patient:organization',
    '_has:Patient:organization:name=Shaw',
    '_count=10&_revinclude=Patient:organization',
    'name=Acme',
    '%5Fcount=1',
    '_count=1&_elements=name',
  ]) {
    t.equal((await reader('GET', `/Organization?${query}`)).status, 403, `GET /Organization?${query}`);
  }
  t.equal((await reader('GET', '/Organization/_history')).status, 403, 'the history of organizations');
});

t.test('a client without the basic grant cannot use HTTP Basic, whatever its policy', async (t) => {
  const { provisioner, aidbox } = await portalAidbox(t);
  const id = portalClientId();
  const client = portalClient(id);
  await provisioner('PUT', `/Client/${id}`, client);
  await provisioner('PUT', `/AccessPolicy/${id}-policy`, portalPolicy(id, { matcho: {} }));
  const answer = await call(`${aidbox.url}/Client/${id}`, { headers: { authorization: basic(id, client.secret) } });
  t.equal(answer.status, 401);
});

t.test("a portal client's access token reaches none of Aidbox's own API through its policy", async (t) => {
  const { provisioner, aidbox } = await portalAidbox(t);
  const id = portalClientId();
  const client = portalClient(id);
  await provisioner('PUT', `/Client/${id}`, client);
  await provisioner('PUT', `/AccessPolicy/${id}-policy`, portalPolicy(id));
  const token = await aidbox.token({ grant_type: 'client_credentials', client_id: id, client_secret: client.secret });
  t.equal(token.status, 200);
  const bearer = { authorization: `Bearer ${token.body.access_token}` };
  t.equal((await aidbox.fhir('GET', '/Patient', token.body.access_token)).status, 200, 'it reads what it may');
  for (const path of ['/Client/root', `/Client/${id}`, `/AccessPolicy/${id}-policy`, '/Organization']) {
    t.equal((await call(`${aidbox.url}${path}`, { headers: bearer })).status, 403, `GET ${path}`);
  }
});

t.test('root keeps full access, and a deactivated portal client is shut out', async (t) => {
  const { root, provisioner, credentials } = await portalAidbox(t);
  const global = { resourceType: 'AccessPolicy', engine: 'allow' };
  t.equal((await root('PUT', '/AccessPolicy/operator-global', global)).status, 201, 'any policy');
  t.equal((await root('DELETE', '/AccessPolicy/operator-global')).status, 200);
  t.equal((await root('GET', '/Client/portal-provisioner')).status, 200);
  const patch = { 'content-type': 'application/merge-patch+json' };
  t.equal((await root('PATCH', '/Client/portal-provisioner', { active: false }, patch)).status, 200);
  t.equal((await provisioner('GET', `/Client/${portalClientId()}`)).status, 401, 'an inactive client');
  const wrong = basic(credentials.provisioner.clientId, 'wrong');
  t.equal((await root('GET', '/Client/portal-provisioner', undefined, { authorization: wrong })).status, 401);
});
