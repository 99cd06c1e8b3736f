import t from 'tap';
import {
  accessPolicyId,
  accessPolicyResource,
  clientResource,
  MappingError,
  type ServiceSpec,
  TENANT_ORGANIZATION_EXTENSION_URL,
} from '../src/index.ts';

const jwksService: ServiceSpec = {
  clientId: 'bs-0123456789abcdef0123456789abcdef',
  authMethod: 'jwks_uri',
  jwksUri: 'https://partner.example/.well-known/jwks.json',
  scopeVersion: 'v2',
  scopes: ['system/Coverage.rs', 'system/Patient.rs'],
  organizationId: null,
};

const secretService: ServiceSpec = {
  ...jwksService,
  clientId: 'bs-fedcba9876543210fedcba9876543210',
  authMethod: 'client_secret',
  jwksUri: null,
};

/** The `$one-of` alternatives of a policy, keyed by resource type (`*` for the wildcard). */
function alternatives(service: ServiceSpec): Record<string, unknown> {
  const matcho = accessPolicyResource(service).matcho as { '$one-of': { params?: { 'resource/type': string } }[] };
  return Object.fromEntries(matcho['$one-of'].map((alt) => [alt.params?.['resource/type'] ?? '*', alt]));
}

function operationsOf(service: ServiceSpec): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(alternatives(service)).map(([type, alt]) => [
      type,
      (alt as { operation: { id: { $enum: string[] } } }).operation.id.$enum,
    ]),
  );
}

t.test('maps a JWKS URI service to a typeless client that authenticates with private_key_jwt', async (t) => {
  t.same(clientResource(jwksService, { active: true }), {
    resourceType: 'Client',
    id: jwksService.clientId,
    active: true,
    grant_types: ['client_credentials'],
    scope: ['system/Coverage.rs', 'system/Patient.rs'],
    auth: {
      client_credentials: {
        token_format: 'jwt',
        access_token_expiration: 300,
        client_assertion_types: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
      },
    },
    jwks_uri: 'https://partner.example/.well-known/jwks.json',
  });
});

t.test('maps a client secret service to a client that carries its secret and no assertion type', async (t) => {
  const client = clientResource(secretService, { active: true, secret: 'pbx_cs_s3cr3t' });
  t.equal(client.secret, 'pbx_cs_s3cr3t');
  t.same(client.auth, { client_credentials: { token_format: 'jwt', access_token_expiration: 300 } });
  t.notOk('jwks_uri' in client);
  t.notOk('type' in client, 'no type: the provisioning client may not write one');
  t.same(client.grant_types, ['client_credentials']);
});

t.test('refuses to map an active client secret service without its secret', async (t) => {
  t.throws(() => clientResource(secretService, { active: true }), MappingError);
});

t.test('maps an inactive client secret service without a secret', async (t) => {
  const client = clientResource(secretService, { active: false });
  t.equal(client.active, false);
  t.notOk('secret' in client);
});

t.test('refuses to map a JWKS URI service that has no URI', async (t) => {
  t.throws(() => clientResource({ ...jwksService, jwksUri: null }, { active: true }), MappingError);
});

t.test('keeps the stored scopes on the client exactly as they are, v1 included', async (t) => {
  const v1 = { ...jwksService, scopeVersion: 'v1' as const, scopes: ['system/*.read', 'system/Patient.write'] };
  t.same(clientResource(v1, { active: true }).scope, ['system/*.read', 'system/Patient.write']);
});

t.test('names the access policy after the client with a -policy suffix', async (t) => {
  t.equal(accessPolicyId('bs-1'), 'bs-1-policy');
  t.equal(accessPolicyResource(jwksService).id, `${jwksService.clientId}-policy`);
});

t.test('links the access policy to the client and requires that client, active, in every alternative', async (t) => {
  const policy = accessPolicyResource(jwksService);
  t.equal(policy.resourceType, 'AccessPolicy');
  t.equal(policy.engine, 'matcho');
  t.same(policy.link, [{ resourceType: 'Client', id: jwksService.clientId }]);
  t.same(Object.keys(policy.matcho), ['$one-of']);
  for (const alt of Object.values(alternatives(jwksService))) {
    t.same((alt as { client: unknown }).client, { id: jwksService.clientId, active: true });
  }
});

t.test('grants read and search for a v1 read scope', async (t) => {
  const service = { ...jwksService, scopeVersion: 'v1' as const, scopes: ['system/Patient.read'] };
  t.same(operationsOf(service), { Patient: ['FhirRead', 'FhirSearch'] });
});

t.test('grants create, update, patch and delete for a v1 write scope', async (t) => {
  const service = { ...jwksService, scopeVersion: 'v1' as const, scopes: ['system/Observation.write'] };
  t.same(operationsOf(service), { Observation: ['FhirCreate', 'FhirUpdate', 'FhirPatch', 'FhirDelete'] });
});

t.test('grants every operation for a v1 star scope', async (t) => {
  const service = { ...jwksService, scopeVersion: 'v1' as const, scopes: ['system/Coverage.*'] };
  t.same(operationsOf(service), {
    Coverage: ['FhirCreate', 'FhirRead', 'FhirUpdate', 'FhirPatch', 'FhirDelete', 'FhirSearch'],
  });
});

t.test('grants exactly the letters of a v2 subset', async (t) => {
  t.same(operationsOf({ ...jwksService, scopes: ['system/Patient.r'] }), { Patient: ['FhirRead'] });
  t.same(operationsOf({ ...jwksService, scopes: ['system/Patient.s'] }), { Patient: ['FhirSearch'] });
  t.same(operationsOf({ ...jwksService, scopes: ['system/Patient.cd'] }), { Patient: ['FhirCreate', 'FhirDelete'] });
  t.same(operationsOf({ ...jwksService, scopes: ['system/Patient.u'] }), { Patient: ['FhirUpdate', 'FhirPatch'] });
});

t.test('drops the resource type condition for a wildcard type', async (t) => {
  const service = { ...jwksService, scopes: ['system/*.rs'] };
  const wildcard = alternatives(service)['*'];
  t.same(wildcard, {
    client: { id: jwksService.clientId, active: true },
    operation: { id: { $enum: ['FhirRead', 'FhirSearch'] } },
  });
});

t.test('keeps a wildcard beside specific types as separate alternatives', async (t) => {
  const service = { ...jwksService, scopes: ['system/*.rs', 'system/Patient.c'] };
  t.same(operationsOf(service), { '*': ['FhirRead', 'FhirSearch'], Patient: ['FhirCreate'] });
});

t.test('merges several scopes of one type into one alternative', async (t) => {
  const service = { ...jwksService, scopes: ['system/Patient.c', 'system/Patient.rs', 'system/Patient.d'] };
  const policy = accessPolicyResource(service);
  t.equal((policy.matcho['$one-of'] as unknown[]).length, 1);
  t.same(operationsOf(service), { Patient: ['FhirCreate', 'FhirRead', 'FhirDelete', 'FhirSearch'] });
});

t.test('puts the resource type in params and one alternative per type', async (t) => {
  const alt = alternatives(jwksService);
  t.same(Object.keys(alt).sort(), ['Coverage', 'Patient']);
  t.same((alt.Coverage as { params: unknown }).params, { 'resource/type': 'Coverage' });
});

t.test('refuses to build a policy from a scope that is not valid for the service version', async (t) => {
  t.throws(() => accessPolicyResource({ ...jwksService, scopes: ['system/Patient.read'] }));
});

t.test('binds the client to its organization with the tenant meta extension in Aidbox format', async (t) => {
  const bound = { ...jwksService, organizationId: 'org-east' };
  const client = clientResource(bound, { active: true });
  t.same(client.meta, {
    extension: [
      {
        url: TENANT_ORGANIZATION_EXTENSION_URL,
        value: { Reference: { resourceType: 'Organization', id: 'org-east' } },
      },
    ],
  });
  t.equal(TENANT_ORGANIZATION_EXTENSION_URL, 'https://aidbox.app/tenant-organization-id');
  t.notOk('meta' in clientResource(jwksService, { active: true }));
});

/** The `$one-of` alternatives of a policy, as written. */
function allAlternatives(service: ServiceSpec): Record<string, unknown>[] {
  return (accessPolicyResource(service).matcho as { '$one-of': Record<string, unknown>[] })['$one-of'];
}

t.test('makes every alternative of a bound client policy check the organization binding', async (t) => {
  const bound = { ...jwksService, organizationId: 'org-east', scopes: ['system/Patient.cruds', 'system/*.rs'] };
  const all = allAlternatives(bound);
  t.ok(all.length > 2);
  for (const alt of all) {
    t.same(alt.client, {
      id: jwksService.clientId,
      active: true,
      meta: {
        extension: {
          $contains: { url: 'https://aidbox.app/tenant-organization-id', value: { Reference: { id: 'org-east' } } },
        },
      },
    });
  }
});

t.test(
  'anchors every alternative of a bound client on its organization base path, which a query string cannot change',
  async (t) => {
    const bound = { ...jwksService, organizationId: 'org-east', scopes: ['system/Patient.cruds', 'system/*.s'] };
    for (const alt of allAlternatives(bound)) {
      t.match(alt.uri, /^#\^\/Organization\/org\\-east\/fhir\//, 'the path, not params alone');
      t.match(alt.params, { 'organization/id': 'org-east' }, 'and params as a second condition');
    }
  },
);

t.test('grants a bound client reads by the documented org-scoped operation ids only', async (t) => {
  const bound = { ...jwksService, organizationId: 'org-east', scopes: ['system/*.s', 'system/Patient.r'] };
  t.same(allAlternatives(bound), [
    {
      client: allAlternatives(bound)[0]?.client,
      uri: '#^/Organization/org\\-east/fhir/[A-Z][A-Za-z]+(/|$)',
      params: { 'organization/id': 'org-east' },
      operation: { id: { $enum: ['orgbac-fhir-search'] } },
    },
    {
      client: allAlternatives(bound)[0]?.client,
      uri: '#^/Organization/org\\-east/fhir/Patient(/|$)',
      params: { 'organization/id': 'org-east', 'resource/type': 'Patient' },
      operation: { id: { $enum: ['orgbac-fhir-read'] } },
    },
  ]);
});

t.test('grants a bound client writes by method and path, never by an undocumented operation id', async (t) => {
  const bound = { ...jwksService, organizationId: 'org-east', scopes: ['system/Patient.cud'] };
  const all = allAlternatives(bound);
  t.notOk(JSON.stringify(all).includes('orgbac-fhir-create'), 'no guessed ids');
  t.same(
    all.map(({ client: _client, ...rest }) => rest),
    [
      {
        'request-method': { $enum: ['post'] },
        uri: '#^/Organization/org\\-east/fhir/Patient$',
        params: { 'organization/id': 'org-east', 'resource/type': 'Patient' },
      },
      {
        'request-method': { $enum: ['put', 'patch'] },
        uri: '#^/Organization/org\\-east/fhir/Patient(/[A-Za-z0-9\\-.]{1,64})?$',
        params: { 'organization/id': 'org-east', 'resource/type': 'Patient' },
      },
      {
        'request-method': { $enum: ['delete'] },
        uri: '#^/Organization/org\\-east/fhir/Patient(/[A-Za-z0-9\\-.]{1,64})?$',
        params: { 'organization/id': 'org-east', 'resource/type': 'Patient' },
      },
    ],
  );
});

t.test('escapes the dots and dashes of an organization id so that they match only themselves', async (t) => {
  const bound = { ...jwksService, organizationId: 'acme.east-1', scopes: ['system/Patient.r'] };
  const [read] = allAlternatives(bound);
  const pattern = new RegExp(String(read?.uri).slice(1));
  t.ok(pattern.test('/Organization/acme.east-1/fhir/Patient/pt-1'));
  t.notOk(pattern.test('/Organization/acmeXeast-1/fhir/Patient/pt-1'), 'a dot is not any character');
  t.notOk(pattern.test('/Organization/acme.east-10/fhir/Patient/pt-1'), 'nor a prefix of another id');
  t.notOk(pattern.test('/fhir/Patient/pt-1'), 'nor the root base');
  t.notOk(pattern.test('/Organization/other/fhir/Patient/pt-1?x=/Organization/acme.east-1/fhir/Patient'));
});

t.test('refuses an organization id that is not a FHIR id, since it goes into a path pattern', async (t) => {
  t.throws(() => accessPolicyResource({ ...jwksService, organizationId: 'org/../x' }), MappingError);
  t.throws(() => accessPolicyResource({ ...jwksService, organizationId: '' }), MappingError);
});

t.test('puts no organization condition into the policy of an unbound client', async (t) => {
  for (const alt of Object.values(alternatives({ ...jwksService, scopes: ['system/*.rs', 'system/Patient.c'] }))) {
    const { client, params } = alt as { client: Record<string, unknown>; params?: Record<string, unknown> };
    t.notOk('meta' in client);
    t.notOk(params && 'organization/id' in params);
  }
});

t.test('builds the same resources from the same service, so repeated syncs are no-ops', async (t) => {
  t.same(accessPolicyResource(jwksService), accessPolicyResource({ ...jwksService }));
  t.same(clientResource(jwksService, { active: true }), clientResource({ ...jwksService }, { active: true }));
});
