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

interface Alternative {
  client: unknown;
  params?: Record<string, string>;
  uri?: string;
  'request-method'?: string;
  operation?: { id: { $enum: string[] } };
}

/** The `$one-of` alternatives of a policy for FHIR interactions (bulk export's are export-policy.test.ts's). */
function alternativesOf(service: ServiceSpec): Alternative[] {
  return (accessPolicyResource(service).matcho as unknown as { '$one-of': Alternative[] })['$one-of'].filter(
    (alt) => !alt.uri?.includes('\\$export'),
  );
}

/** The alternatives keyed by resource type (`*` for the wildcard): for bound clients, which get one per type. */
function alternatives(service: ServiceSpec): Record<string, Alternative> {
  return Object.fromEntries(alternativesOf(service).map((alt) => [alt.params?.['resource/type'] ?? '*', alt]));
}

function _operationsOf(service: ServiceSpec): Record<string, string[] | undefined> {
  return Object.fromEntries(
    Object.entries(alternatives(service)).map(([type, alt]) => [type, alt.operation?.id.$enum]),
  );
}

/** The resource type a root-base alternative is for, read from its `uri` (`*` for the any-type pattern). */
function typeOfUri(uri: string | undefined): string {
  return uri?.startsWith('#^/fhir/[A-Z]') ? '*' : (/^#\^\/fhir\/([A-Za-z]+)/.exec(uri ?? '')?.[1] ?? '?');
}

/** Root-base grants by type: the operation ids allowed, and the request shapes (`method uri`) matched. */
function rootGrantsOf(service: ServiceSpec): Record<string, { ids: string[]; shapes: string[] }> {
  const grants: Record<string, { ids: string[]; shapes: string[] }> = {};
  for (const alt of alternativesOf(service)) {
    const type = typeOfUri(alt.uri);
    const grant = grants[type] ?? { ids: [], shapes: [] };
    grants[type] = grant;
    if (alt.operation) grant.ids.push(...alt.operation.id.$enum);
    else grant.shapes.push(`${alt['request-method']} ${alt.uri}`);
  }
  return grants;
}

const READ_SHAPE = (type: string) => `get #^/fhir/${type}/[^/?]+/_history(/[^/?]+)?$`;
const TYPE_HISTORY_SHAPE = (type: string) => `get #^/fhir/${type}/_history$`;
const DELETE_SHAPE = (type: string) => `delete #^/fhir/${type}/[^/?]+$`;
const CONDITIONAL_UPDATE_SHAPE = (type: string) => `put #^/fhir/${type}$`;

t.test('maps a JWKS URI service to a client without a type that authenticates with private_key_jwt', async (t) => {
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
  t.notOk('type' in client, 'no type: the policy, not token scopes, decides');
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
  t.ok(alternativesOf(jwksService).length > 0);
  for (const alt of alternativesOf(jwksService)) {
    t.same(alt.client, { id: jwksService.clientId, active: true });
  }
});

t.test('grants read, vread, history, search and search by POST for a v1 read scope', async (t) => {
  const service = { ...jwksService, scopeVersion: 'v1' as const, scopes: ['system/Patient.read'] };
  t.same(rootGrantsOf(service), {
    Patient: {
      ids: ['FhirRead', 'FhirSearch', 'FhirPostSearch'],
      shapes: [READ_SHAPE('Patient'), TYPE_HISTORY_SHAPE('Patient')],
    },
  });
});

t.test('grants create, update, patch and delete, but no conditional update, for a v1 write scope', async (t) => {
  const service = { ...jwksService, scopeVersion: 'v1' as const, scopes: ['system/Observation.write'] };
  t.same(rootGrantsOf(service), {
    Observation: { ids: ['FhirCreate', 'FhirUpdate', 'FhirPatch'], shapes: [DELETE_SHAPE('Observation')] },
  });
});

t.test('grants every interaction, conditional update included, for a v1 star scope', async (t) => {
  const service = { ...jwksService, scopeVersion: 'v1' as const, scopes: ['system/Coverage.*'] };
  t.same(rootGrantsOf(service), {
    Coverage: {
      ids: ['FhirCreate', 'FhirRead', 'FhirUpdate', 'FhirPatch', 'FhirSearch', 'FhirPostSearch'],
      shapes: [
        READ_SHAPE('Coverage'),
        TYPE_HISTORY_SHAPE('Coverage'),
        DELETE_SHAPE('Coverage'),
        CONDITIONAL_UPDATE_SHAPE('Coverage'),
      ],
    },
  });
});

t.test('grants exactly the interactions of each v2 letter', async (t) => {
  const grants = (scope: string) => rootGrantsOf({ ...jwksService, scopes: [scope] }).Patient;
  t.same(grants('system/Patient.r'), { ids: ['FhirRead'], shapes: [READ_SHAPE('Patient')] });
  t.same(grants('system/Patient.s'), {
    ids: ['FhirSearch', 'FhirPostSearch'],
    shapes: [TYPE_HISTORY_SHAPE('Patient')],
  });
  t.same(grants('system/Patient.c'), { ids: ['FhirCreate'], shapes: [] });
  t.same(grants('system/Patient.u'), { ids: ['FhirUpdate', 'FhirPatch'], shapes: [] });
  t.same(grants('system/Patient.d'), { ids: [], shapes: [DELETE_SHAPE('Patient')] });
});

t.test('matches delete by method and path, never by an undocumented operation id', async (t) => {
  const [alternative, ...others] = alternativesOf({ ...jwksService, scopes: ['system/Patient.d'] });
  t.same(others, []);
  t.same(alternative, {
    client: { id: jwksService.clientId, active: true },
    'request-method': 'delete',
    uri: '#^/fhir/Patient/[^/?]+$',
  });
});

t.test('grants conditional update only with create, update and search together', async (t) => {
  const conditional = (scope: string) =>
    rootGrantsOf({ ...jwksService, scopes: [scope] }).Patient?.shapes.includes(CONDITIONAL_UPDATE_SHAPE('Patient'));
  t.equal(conditional('system/Patient.cus'), true);
  t.equal(conditional('system/Patient.cruds'), true);
  for (const scope of ['system/Patient.cu', 'system/Patient.us', 'system/Patient.cs', 'system/Patient.u']) {
    t.equal(conditional(scope), false, scope);
  }
});

t.test('pins the resource type in the request path of every alternative, and in params where ids decide', async (t) => {
  for (const alt of alternativesOf({ ...jwksService, scopes: ['system/Patient.cruds'] })) {
    t.match(alt.uri, /^#\^\/fhir\/Patient(\/|\(|\$)/, `${alt['request-method'] ?? 'by id'} ${alt.uri}`);
    if (alt.operation) t.same(alt.params, { 'resource/type': 'Patient' });
  }
});

t.test('drops the resource type condition for a wildcard type and matches any type in the path', async (t) => {
  const service = { ...jwksService, scopes: ['system/*.rs'] };
  const [byId, ...byShape] = alternativesOf(service);
  t.same(byId, {
    client: { id: jwksService.clientId, active: true },
    uri: '#^/fhir/[A-Z][A-Za-z]+(/[^/?]+)?$',
    operation: { id: { $enum: ['FhirRead', 'FhirSearch', 'FhirPostSearch'] } },
  });
  t.same(
    byShape.map((alt) => `${alt['request-method']} ${alt.uri}`),
    [READ_SHAPE('[A-Z][A-Za-z]+'), TYPE_HISTORY_SHAPE('[A-Z][A-Za-z]+')],
  );
});

t.test('keeps a wildcard beside specific types as separate alternatives', async (t) => {
  const service = { ...jwksService, scopes: ['system/*.rs', 'system/Patient.c'] };
  const grants = rootGrantsOf(service);
  t.same(Object.keys(grants), ['*', 'Patient']);
  t.same(grants.Patient, { ids: ['FhirCreate'], shapes: [] });
});

t.test('merges several scopes of one type into the alternatives of one grant', async (t) => {
  const service = { ...jwksService, scopes: ['system/Patient.c', 'system/Patient.rs', 'system/Patient.d'] };
  t.same(rootGrantsOf(service), {
    Patient: {
      ids: ['FhirCreate', 'FhirRead', 'FhirSearch', 'FhirPostSearch'],
      shapes: [READ_SHAPE('Patient'), TYPE_HISTORY_SHAPE('Patient'), DELETE_SHAPE('Patient')],
    },
  });
});

t.test('grants no Bundle: no alternative matches POST /fhir', async (t) => {
  for (const alt of alternativesOf({ ...jwksService, scopes: ['system/*.cruds'] })) {
    t.notOk(alt.uri !== undefined && new RegExp(alt.uri.slice(1)).test('/fhir'), alt.uri ?? 'no uri');
    t.notOk(alt.operation?.id.$enum.some((id) => /Transaction|Batch/.test(id)));
  }
});

t.test('puts the resource type in params, and each type in alternatives of its own', async (t) => {
  t.same(Object.keys(rootGrantsOf(jwksService)).sort(), ['Coverage', 'Patient']);
  const coverage = alternativesOf(jwksService).filter((alt) => typeOfUri(alt.uri) === 'Coverage');
  t.same(coverage.find((alt) => alt.operation)?.params, { 'resource/type': 'Coverage' });
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
  for (const alt of alternativesOf({ ...jwksService, scopes: ['system/*.rs', 'system/Patient.c'] })) {
    t.notOk('meta' in (alt.client as Record<string, unknown>));
    t.notOk(alt.params && 'organization/id' in alt.params);
    t.notMatch(alt.uri ?? '', /Organization\//);
  }
});

t.test('builds the same resources from the same service, so repeated syncs are no-ops', async (t) => {
  t.same(accessPolicyResource(jwksService), accessPolicyResource({ ...jwksService }));
  t.same(clientResource(jwksService, { active: true }), clientResource({ ...jwksService }, { active: true }));
});
