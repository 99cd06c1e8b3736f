/**
 * The FHIR API: read, search, create, update, patch and delete, under the root base `/fhir` and, when OrgBAC is on,
 * under every organization's base `/Organization/<id>/fhir` (`orgbac.ts`).
 *
 * Every request needs a bearer token this emulator issued to a Client that still exists and is active (401
 * otherwise, RFC 6750 §3), and is then allowed only when BOTH the token's SMART scopes and one of the AccessPolicies
 * that apply to the client allow it (403 otherwise): Aidbox enforces scopes only on top of policies, never instead of
 * them (`docs/.../smart-on-fhir/smart-scopes-for-limiting-access.md`).
 *
 * On an organization base:
 * - an unknown organization answers 404 (after authentication);
 * - policies see the request with `params['organization/id']` set to the organization and with the org-scoped
 *   operation ids (`orgbacOperations`);
 * - the admin client may also call with HTTP Basic, as Aidbox's root client does: no scope or policy check, but the
 *   organization's compartment still applies;
 * - reads, updates, patches and deletes of an existing resource outside the compartment answer 403 (ids that do not
 *   exist keep their 404, 410 or 204), searches see only the compartment, and writes bind what they store.
 *
 * Policies see `params` as the query string merged with the route's parameters (`resource/type`, `resource/id`,
 * `organization/id`), "Parsed query-string params merged with URL params extracted by the routing engine"
 * (`docs/access-control/authorization/access-policies.md`). Which wins when a query parameter has a route parameter's
 * name is not documented; the emulator lets the query win, the worst case, so that a policy trusting `params` alone
 * for the organization or the type is caught here (the portal's policies anchor `uri`, which has no query string).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FHIR_OPERATIONS, type FhirInteraction, type PolicyRequest, policiesAllow } from './access-policies.ts';
import type { AccessTokenClaims } from './access-tokens.ts';
import { authenticateBasic } from './callers.ts';
import { isActiveClient } from './client-resource.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { isFhirResourceType } from './fhir-resource-types.ts';
import { searchBundle } from './fhir-search.ts';
import type { JsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';
import { OrganizationCompartment, requireOrganization } from './orgbac.ts';
import { ifMatch, queryOf, send } from './request-helpers.ts';
import { aidboxView, FHIR_KIND } from './resource-kinds.ts';
import {
  createResource,
  deleteResource,
  type PrepareWrite,
  patchResource,
  readResource,
  updateResource,
} from './resource-operations.ts';
import type { StoredResource } from './resource-store.ts';
import { type Interaction, scopesAllow } from './smart-scopes.ts';

type Caller =
  /** `claims` of its access token; none over HTTP Basic, where its policies alone decide (there are no scopes). */
  | { readonly kind: 'client'; readonly claims?: AccessTokenClaims; readonly client: StoredResource }
  /** The admin client over HTTP Basic (organization bases only). */
  | { readonly kind: 'admin' };

/** Where a request is served. */
interface FhirBase {
  /** The public URL of the base: `<aidbox>/fhir` or `<aidbox>/Organization/<id>/fhir`. */
  readonly url: string;
  /** The organization's compartment on an organization base; none on the root base. */
  readonly compartment?: OrganizationCompartment;
  /** The operation ids policies see for the interactions on this base. */
  readonly operations: Readonly<Record<FhirInteraction, string>>;
}

interface TypeParams {
  /** The organization of an organization base. */
  org?: string;
  type: string;
}

interface InstanceParams extends TypeParams {
  id: string;
}

const ROOT_FHIR_PREFIX = '/fhir';
const ORGANIZATION_FHIR_PREFIX = '/Organization/:org/fhir';

export function registerFhirRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerFhirApi(app, context, ROOT_FHIR_PREFIX);
  // Without OrgBAC there are no organization bases: their paths answer 404 like any unknown route.
  if (context.orgbac) registerFhirApi(app, context, ORGANIZATION_FHIR_PREFIX);
}

/** The base a request was sent to; 404 for an organization that does not exist. */
function fhirBaseOf(context: EmulatorContext, organizationId: string | undefined): FhirBase {
  if (organizationId === undefined) return { url: `${context.baseUrl}/fhir`, operations: FHIR_OPERATIONS };
  // Organization routes exist only with OrgBAC on; this guard keeps that true should the registration ever change.
  if (!context.orgbac) throw new OutcomeError(404, 'not-found', 'Organization bases need OrgBAC');
  requireOrganization(context.store, organizationId);
  return {
    url: `${context.baseUrl}/Organization/${organizationId}/fhir`,
    compartment: new OrganizationCompartment(context.store, organizationId),
    operations: context.orgbac.operations,
  };
}

function registerFhirApi(app: FastifyInstance, context: EmulatorContext, prefix: string): void {
  const organizationBased = prefix === ORGANIZATION_FHIR_PREFIX;
  const callers = new WeakMap<FastifyRequest, Caller>();
  // onRequest: an unauthenticated caller learns nothing, not even whether its body parses.
  const onRequest = async (request: FastifyRequest) => {
    callers.set(request, await authenticate(context, request.headers.authorization, organizationBased));
  };
  const allow = (
    request: FastifyRequest<{ Params: TypeParams | InstanceParams }>,
    interaction: FhirInteraction,
    letter: Interaction,
  ): { type: string; base: FhirBase } => {
    const caller = callers.get(request);
    if (!caller) throw new OutcomeError(401, 'security', 'Authentication required');
    const base = fhirBaseOf(context, request.params.org);
    const { type } = request.params;
    if (!isFhirResourceType(type)) throw new OutcomeError(404, 'not-found', `Unknown resource type ${type}`);
    if (caller.kind === 'client') authorize(context, caller, request, base, interaction, letter);
    return { type, base };
  };
  const binding = (base: FhirBase): PrepareWrite | undefined => {
    const { compartment } = base;
    return compartment && ((resource, previous) => compartment.bind(resource, previous));
  };

  app.get<{ Params: TypeParams }>(`${prefix}/:type`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'search', 's');
    const { compartment } = base;
    const visible = compartment && ((resource: JsonObject) => compartment.canRead(resource));
    return reply.send(searchBundle(context, FHIR_KIND, type, queryOf(request), `${base.url}/${type}`, visible));
  });
  app.post<{ Params: TypeParams }>(`${prefix}/:type`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'create', 'c');
    const result = createResource(context.store, FHIR_KIND, type, request.body, binding(base));
    const meta = result.body?.meta as JsonObject | undefined;
    reply.header('location', `${base.url}/${type}/${result.body?.id}/_history/${meta?.versionId}`);
    return send(reply, result);
  });
  app.get<{ Params: InstanceParams }>(`${prefix}/:type/:id`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'read', 'r');
    guardExisting(context, base, type, request.params.id, 'read');
    return send(reply, readResource(context.store, FHIR_KIND, type, request.params.id));
  });
  app.put<{ Params: InstanceParams }>(`${prefix}/:type/:id`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'update', 'u');
    const { id } = request.params;
    guardExisting(context, base, type, id, 'write');
    return send(
      reply,
      updateResource(context.store, FHIR_KIND, type, id, request.body, ifMatch(request), binding(base)),
    );
  });
  app.patch<{ Params: InstanceParams }>(`${prefix}/:type/:id`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'patch', 'u');
    const { id } = request.params;
    guardExisting(context, base, type, id, 'write');
    return send(
      reply,
      patchResource(context.store, FHIR_KIND, type, id, request.body, ifMatch(request), binding(base)),
    );
  });
  app.delete<{ Params: InstanceParams }>(`${prefix}/:type/:id`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'delete', 'd');
    const { id } = request.params;
    guardExisting(context, base, type, id, 'write');
    return send(reply, deleteResource(context.store, FHIR_KIND, type, id, ifMatch(request)));
  });
}

async function authenticate(
  context: EmulatorContext,
  authorization: string | undefined,
  adminMayCall: boolean,
): Promise<Caller> {
  if (/^Basic\s/i.test(authorization ?? '')) {
    // A Client with the `basic` grant may call any base (docs/access-control/authentication/basic-http-authentication.md
    // calls `GET /fhir/Patient` so); root only organization bases, as before.
    const basic = authenticateBasic(context, authorization);
    if (basic.kind === 'client') return { kind: 'client', client: basic.client };
    if (adminMayCall) return { kind: 'admin' };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) {
    throw new OutcomeError(401, 'security', 'Authentication required: send an access token as Bearer', {
      'www-authenticate': 'Bearer realm="aidbox"',
    });
  }
  const claims = await context.signer.verify(match[1] ?? '', context.baseUrl);
  const client = claims ? context.store.get('Client', claims.client_id) : undefined;
  if (!claims || !client || !isActiveClient(client.resource)) {
    throw new OutcomeError(401, 'security', 'The access token is not valid, has expired, or its client is inactive', {
      'www-authenticate': 'Bearer realm="aidbox", error="invalid_token"',
    });
  }
  return { kind: 'client', claims, client };
}

function authorize(
  context: EmulatorContext,
  caller: Extract<Caller, { kind: 'client' }>,
  request: FastifyRequest<{ Params: TypeParams | InstanceParams }>,
  base: FhirBase,
  interaction: FhirInteraction,
  letter: Interaction,
): void {
  const query = queryOf(request);
  const { type } = request.params;
  const scopes = caller.claims?.scope.split(' ').filter((scope) => scope !== '');
  if (scopes && !scopesAllow(scopes, type, letter, query)) {
    throw new OutcomeError(403, 'forbidden', `Access denied: the token's scopes do not allow ${letter} on ${type}`);
  }
  // The query wins over the route where names collide (see above): the worst case of an undocumented precedence.
  const params: Record<string, unknown> = {
    ...routeParams(request.params),
    ...(base.compartment && { 'organization/id': base.compartment.organizationId }),
    ...paramsObject(query),
  };
  const policyRequest: PolicyRequest = {
    'request-method': request.method.toLowerCase(),
    uri: request.url.split('?')[0] ?? request.url,
    params,
    operation: { id: base.operations[interaction] },
    client: aidboxView(caller.client),
    ...(caller.claims && { jwt: { ...caller.claims } }),
  };
  const policies = context.store.list('AccessPolicy').map((stored) => stored.resource);
  if (!policiesAllow(policies, policyRequest)) {
    throw new OutcomeError(403, 'forbidden', 'Access denied: no AccessPolicy allows this request');
  }
}

/**
 * On an organization base, 403 for an existing resource outside the compartment (for writes: one the compartment
 * may only read, i.e. shared from above or system-shared). Ids with nothing stored go on to the operation, which
 * answers as on the root base (404, 410, a create, 204).
 */
function guardExisting(
  context: EmulatorContext,
  base: FhirBase,
  type: string,
  id: string,
  access: 'read' | 'write',
): void {
  const { compartment } = base;
  const stored = compartment && context.store.get(type, id);
  if (!compartment || !stored) return;
  if (access === 'read' ? compartment.canRead(stored.resource) : compartment.canWrite(stored.resource)) return;
  const where = `Organization/${compartment.organizationId}`;
  const diagnostics =
    access === 'write' && compartment.canRead(stored.resource)
      ? `Access denied: ${type}/${id} is shared with ${where} read-only`
      : `Access denied: ${type}/${id} does not belong to ${where} or one of its descendants`;
  throw new OutcomeError(403, 'forbidden', diagnostics);
}

/** Route parameters under Aidbox's names. */
function routeParams(params: TypeParams | InstanceParams): Record<string, string> {
  return 'id' in params ? { 'resource/type': params.type, 'resource/id': params.id } : { 'resource/type': params.type };
}

/** Query parameters as Aidbox puts them in `params`: one value as a string, repeated ones as an array. */
function paramsObject(query: URLSearchParams): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    params[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return params;
}
