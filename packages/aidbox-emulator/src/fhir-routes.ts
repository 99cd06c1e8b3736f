/**
 * The FHIR API: read, search, create, update, patch and delete, under the root base `/fhir` and, when OrgBAC is on,
 * under every organization's base `/Organization/<id>/fhir` (`orgbac.ts`); vread, history, `_search` by POST,
 * conditional update and Bundles on the root base only (`fhir-root-routes.ts`).
 *
 * Every request needs a bearer token this emulator issued to a Client that still exists and is active (401
 * otherwise, RFC 6750 §3). Then, in the order Aidbox documents (aidbox-docs
 * `docs/access-control/authorization/smart-on-fhir/smart-scopes-for-limiting-access.md` § "Scopes and Access
 * Policies"):
 * 1. scope check, only for a token with `atv: 2` (a smart-app client's, `access-tokens.ts`): 403 when its scopes do
 *    not cover the resource type and interaction (`SCOPE_LETTERS`); "If `atv` is missing [...] Aidbox never reads the
 *    `scope` claim";
 * 2. AccessPolicy check: 403 unless a policy that applies to the client allows the request ("scopes alone never
 *    grant access").
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
import {
  type FhirInteraction,
  isExportInteraction,
  type PolicyRequest,
  policiesAllow,
  type RootFhirInteraction,
  rootOperationId,
} from './access-policies.ts';
import type { AccessTokenClaims } from './access-tokens.ts';
import { authenticateBasic, authenticateBearer, isBearer } from './callers.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { registerExportDownloads, registerExportRoutes } from './export-routes.ts';
import { isFhirResourceType } from './fhir-resource-types.ts';
import { registerRootOnlyRoutes } from './fhir-root-routes.ts';
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

export type FhirCaller =
  /** `claims` of its access token; none over HTTP Basic, where its policies alone decide (there are no scopes). */
  | { readonly kind: 'client'; readonly claims?: AccessTokenClaims; readonly client: StoredResource }
  /** The admin client over HTTP Basic (organization bases only). */
  | { readonly kind: 'admin' };

/** Where a request is served. */
export interface FhirBase {
  /** The public URL of the base: `<aidbox>/fhir` or `<aidbox>/Organization/<id>/fhir`. */
  readonly url: string;
  /** The organization's compartment on an organization base; none on the root base. */
  readonly compartment?: OrganizationCompartment;
  /** The operation ids policies see on an organization base (`orgbac.ts`); the root base's are `rootOperationId`'s. */
  readonly operations?: Readonly<Record<FhirInteraction, string>>;
}

export interface TypeParams {
  /** The organization of an organization base. */
  org?: string;
  type: string;
}

export interface InstanceParams extends TypeParams {
  id: string;
}

/** The route parameters any FHIR route may have (a Bundle's has none). */
type RouteParams = Partial<InstanceParams>;

/**
 * Lets a request through, or throws the 401, 403 or 404 that stops it. `searchParams` are parameters the body
 * carries (a POST `_search` form), which policies see in `params` as Aidbox puts them there
 * (`docs/access-control/authorization/access-policies.md`: "body params in case of the `POST` request"). `body` is
 * the parsed body policies see as `body` (a POST `$export`'s Parameters); other routes leave it out.
 */
export type FhirGate = (
  request: FastifyRequest<{ Params: RouteParams }>,
  interaction: RootFhirInteraction,
  searchParams?: URLSearchParams,
  body?: unknown,
) => { type: string; base: FhirBase; caller: FhirCaller };

/** What the routes of one base share: the hook that authenticates, and the gate. */
export interface FhirApi {
  readonly onRequest: (request: FastifyRequest) => Promise<void>;
  readonly allow: FhirGate;
}

/**
 * The SMART permissions a smart-app token needs for each interaction. Conditional update needs create, update AND
 * search: it may create, it replaces, and it picks its target by a search (the docs are silent; the fail-safe is to
 * ask for all three, as the portal's policies do). Bundles need none: "Aidbox allows Bundle requests regardless of
 * scopes and applies Access Control restrictions to each element within `Bundle.entry`"
 * (`smart-scopes-for-limiting-access.md` § "Scopes in transaction bundles").
 */
const SCOPE_LETTERS: Readonly<Record<RootFhirInteraction, readonly Interaction[]>> = {
  read: ['r'],
  vread: ['r'],
  'history-instance': ['r'],
  search: ['s'],
  'post-search': ['s'],
  'history-type': ['s'],
  create: ['c'],
  update: ['u'],
  patch: ['u'],
  'conditional-update': ['c', 'u', 's'],
  delete: ['d'],
  transaction: [],
  batch: [],
  // Export requests name their types in `_type`; `export-routes.ts` checks a smart-app token's scopes per type.
  export: [],
  'export-status': [],
  'export-cancel': [],
};

const ROOT_FHIR_PREFIX = '/fhir';
const ORGANIZATION_FHIR_PREFIX = '/Organization/:org/fhir';

export function registerFhirRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const root = registerFhirApi(app, context, ROOT_FHIR_PREFIX);
  // Without OrgBAC there are no organization bases: their paths answer 404 like any unknown route.
  if (context.orgbac) registerFhirApi(app, context, ORGANIZATION_FHIR_PREFIX);
  registerRootOnlyRoutes(app, context, root);
  registerExportDownloads(app, context);
}

/** The base a request was sent to; 404 for an organization that does not exist. */
function fhirBaseOf(context: EmulatorContext, organizationId: string | undefined): FhirBase {
  if (organizationId === undefined) return { url: `${context.baseUrl}/fhir` };
  // Organization routes exist only with OrgBAC on; this guard keeps that true should the registration ever change.
  if (!context.orgbac) throw new OutcomeError(404, 'not-found', 'Organization bases need OrgBAC');
  requireOrganization(context.store, organizationId);
  return {
    url: `${context.baseUrl}/Organization/${organizationId}/fhir`,
    compartment: new OrganizationCompartment(context.store, organizationId),
    operations: context.orgbac.operations,
  };
}

/** Registers the interactions every base serves; answers the base's gate and the hook that authenticates. */
function registerFhirApi(app: FastifyInstance, context: EmulatorContext, prefix: string): FhirApi {
  const organizationBased = prefix === ORGANIZATION_FHIR_PREFIX;
  const callers = new WeakMap<FastifyRequest, FhirCaller>();
  // onRequest: an unauthenticated caller learns nothing, not even whether its body parses.
  const onRequest = async (request: FastifyRequest) => {
    callers.set(request, await authenticate(context, request.headers.authorization, organizationBased));
  };
  const allow: FhirGate = (request, interaction, searchParams, body) => {
    const caller = callers.get(request);
    if (!caller) throw new OutcomeError(401, 'security', 'Authentication required');
    const base = fhirBaseOf(context, request.params.org);
    const type = request.params.type ?? '';
    // Only a Bundle, posted to the base itself, names no type.
    if (request.params.type !== undefined && !isFhirResourceType(type)) {
      throw new OutcomeError(404, 'not-found', `Unknown resource type ${type}`);
    }
    if (caller.kind === 'client') authorize(context, caller, request, base, interaction, searchParams, body);
    return { type, base, caller };
  };
  const binding = (base: FhirBase): PrepareWrite | undefined => {
    const { compartment } = base;
    return compartment && ((resource, previous) => compartment.bind(resource, previous));
  };

  app.get<{ Params: TypeParams }>(`${prefix}/:type`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'search');
    const { compartment } = base;
    const visible = compartment && ((resource: JsonObject) => compartment.canRead(resource));
    return reply.send(searchBundle(context, FHIR_KIND, type, queryOf(request), `${base.url}/${type}`, visible));
  });
  app.post<{ Params: TypeParams }>(`${prefix}/:type`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'create');
    const result = createResource(context.store, FHIR_KIND, type, request.body, binding(base));
    const meta = result.body?.meta as JsonObject | undefined;
    reply.header('location', `${base.url}/${type}/${result.body?.id}/_history/${meta?.versionId}`);
    return send(reply, result);
  });
  app.get<{ Params: InstanceParams }>(`${prefix}/:type/:id`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'read');
    guardExisting(context, base, type, request.params.id, 'read');
    return send(reply, readResource(context.store, FHIR_KIND, type, request.params.id));
  });
  app.put<{ Params: InstanceParams }>(`${prefix}/:type/:id`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'update');
    const { id } = request.params;
    guardExisting(context, base, type, id, 'write');
    return send(
      reply,
      updateResource(context.store, FHIR_KIND, type, id, request.body, ifMatch(request), binding(base)),
    );
  });
  app.patch<{ Params: InstanceParams }>(`${prefix}/:type/:id`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'patch');
    const { id } = request.params;
    guardExisting(context, base, type, id, 'write');
    return send(
      reply,
      patchResource(context.store, FHIR_KIND, type, id, request.body, ifMatch(request), binding(base)),
    );
  });
  app.delete<{ Params: InstanceParams }>(`${prefix}/:type/:id`, { onRequest }, async (request, reply) => {
    const { type, base } = allow(request, 'delete');
    const { id } = request.params;
    guardExisting(context, base, type, id, 'write');
    return send(reply, deleteResource(context.store, FHIR_KIND, type, id, ifMatch(request)));
  });
  registerExportRoutes(app, context, prefix, { onRequest, allow });
  return { onRequest, allow };
}

async function authenticate(
  context: EmulatorContext,
  authorization: string | undefined,
  adminMayCall: boolean,
): Promise<FhirCaller> {
  if (/^Basic\s/i.test(authorization ?? '')) {
    // A Client with the `basic` grant may call any base (docs/access-control/authentication/basic-http-authentication.md
    // calls `GET /fhir/Patient` so); root only organization bases, as before.
    const basic = authenticateBasic(context, authorization);
    if (basic.kind === 'client') return { kind: 'client', client: basic.client };
    if (adminMayCall) return { kind: 'admin' };
  }
  if (!isBearer(authorization)) {
    throw new OutcomeError(401, 'security', 'Authentication required: send an access token as Bearer', {
      'www-authenticate': 'Bearer realm="aidbox"',
    });
  }
  return authenticateBearer(context, authorization);
}

function authorize(
  context: EmulatorContext,
  caller: Extract<FhirCaller, { kind: 'client' }>,
  request: FastifyRequest<{ Params: RouteParams }>,
  base: FhirBase,
  interaction: RootFhirInteraction,
  searchParams: URLSearchParams | undefined,
  body: unknown,
): void {
  const query = queryOf(request);
  const type = request.params.type ?? '';
  const letters = SCOPE_LETTERS[interaction];
  // A Basic caller has no token, hence no scopes: its policies alone decide.
  if (caller.claims?.atv === 2 && letters.length > 0) {
    const scopes = (caller.claims.scope ?? '').split(' ').filter((scope) => scope !== '');
    if (!scopesAllow(scopes, type, letters)) {
      throw new OutcomeError(
        403,
        'forbidden',
        `Access denied: the token's scopes do not allow ${interaction} on ${type}`,
      );
    }
  }
  // The docs say `params` merges the query string with the route's values, not which wins when both have a name
  // (`resource/type`, `resource/id`, `organization/id`); the caller's values win here, the worst case, so that a
  // policy trusting `params` alone fails in tests rather than on a real Aidbox.
  const params: Record<string, unknown> = {
    ...routeParams(request.params),
    ...(base.compartment && { 'organization/id': base.compartment.organizationId }),
    ...paramsObject(query),
    ...(searchParams && paramsObject(searchParams)),
  };
  const question = request.url.indexOf('?');
  const policyRequest: PolicyRequest = {
    'request-method': request.method.toLowerCase(),
    uri: question < 0 ? request.url : request.url.slice(0, question),
    // The raw query string, as the admin API's policies see it (`admin-authorization.ts`): the documented key a
    // policy uses to refuse a parameter wherever it appears (the portal's export policies refuse `_aidbox`).
    ...(question >= 0 && { 'query-string': request.url.slice(question + 1) }),
    params,
    operation: { id: operationIdOf(context, base, interaction) },
    ...(body !== undefined && { body }),
    client: aidboxView(caller.client),
    ...(caller.claims && { jwt: { ...caller.claims } }),
  };
  const policies = context.store.list('AccessPolicy').map((stored) => stored.resource);
  if (!policiesAllow(policies, policyRequest)) {
    throw new OutcomeError(403, 'forbidden', 'Access denied: no AccessPolicy allows this request');
  }
}

/** The id Aidbox runs an interaction under: the org-scoped ids on an organization base, else the root ones. */
function operationIdOf(context: EmulatorContext, base: FhirBase, interaction: RootFhirInteraction): string {
  // Export requests keep their (configurable) ids on every base: no doc names an organization base's.
  if (!base.operations || isExportInteraction(interaction)) return rootOperationId(interaction, context.operationIds);
  if (!(interaction in base.operations)) throw new Error(`${interaction} is not served on organization bases`);
  return base.operations[interaction as FhirInteraction];
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
function routeParams(params: RouteParams): Record<string, string> {
  return {
    ...(params.type !== undefined && { 'resource/type': params.type }),
    ...(params.id !== undefined && { 'resource/id': params.id }),
  };
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
