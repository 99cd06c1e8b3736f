/**
 * The FHIR API under `/fhir`: read, search, create, update, patch and delete. Every request needs a bearer token this
 * emulator issued to a Client that still exists and is active (401 otherwise, RFC 6750 §3), and is then allowed only
 * when BOTH the token's SMART scopes and one of the AccessPolicies that apply to the client allow it (403 otherwise):
 * Aidbox enforces scopes only on top of policies, never instead of them
 * (`docs/.../smart-on-fhir/smart-scopes-for-limiting-access.md`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type FhirOperationId, type PolicyRequest, policiesAllow } from './access-policies.ts';
import type { AccessTokenClaims } from './access-tokens.ts';
import { isActiveClient } from './client-resource.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { isFhirResourceType } from './fhir-resource-types.ts';
import { searchBundle } from './fhir-search.ts';
import type { JsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';
import { ifMatch, queryOf, send } from './request-helpers.ts';
import { aidboxView, FHIR_KIND } from './resource-kinds.ts';
import { createResource, deleteResource, patchResource, readResource, updateResource } from './resource-operations.ts';
import type { StoredResource } from './resource-store.ts';
import { type Interaction, scopesAllow } from './smart-scopes.ts';

interface Caller {
  readonly claims: AccessTokenClaims;
  readonly client: StoredResource;
}

interface TypeParams {
  type: string;
}

interface InstanceParams extends TypeParams {
  id: string;
}

export function registerFhirRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const callers = new WeakMap<FastifyRequest, Caller>();
  // onRequest: an unauthenticated caller learns nothing, not even whether its body parses.
  const onRequest = async (request: FastifyRequest) => {
    callers.set(request, await authenticate(context, request.headers.authorization));
  };
  const allow = (
    request: FastifyRequest<{ Params: TypeParams | InstanceParams }>,
    operation: FhirOperationId,
    interaction: Interaction,
  ): string => {
    const caller = callers.get(request);
    if (!caller) throw new OutcomeError(401, 'security', 'Authentication required');
    const { type } = request.params;
    if (!isFhirResourceType(type)) throw new OutcomeError(404, 'not-found', `Unknown resource type ${type}`);
    authorize(context, caller, request, operation, interaction);
    return type;
  };

  app.get<{ Params: TypeParams }>('/fhir/:type', { onRequest }, async (request, reply) => {
    const type = allow(request, 'FhirSearch', 's');
    const base = `${context.baseUrl}/fhir/${type}`;
    return reply.send(searchBundle(context, FHIR_KIND, type, queryOf(request), base));
  });
  app.post<{ Params: TypeParams }>('/fhir/:type', { onRequest }, async (request, reply) => {
    const type = allow(request, 'FhirCreate', 'c');
    const result = createResource(context.store, FHIR_KIND, type, request.body);
    const meta = result.body?.meta as JsonObject | undefined;
    reply.header('location', `${context.baseUrl}/fhir/${type}/${result.body?.id}/_history/${meta?.versionId}`);
    return send(reply, result);
  });
  app.get<{ Params: InstanceParams }>('/fhir/:type/:id', { onRequest }, async (request, reply) => {
    const type = allow(request, 'FhirRead', 'r');
    return send(reply, readResource(context.store, FHIR_KIND, type, request.params.id));
  });
  app.put<{ Params: InstanceParams }>('/fhir/:type/:id', { onRequest }, async (request, reply) => {
    const type = allow(request, 'FhirUpdate', 'u');
    return send(
      reply,
      updateResource(context.store, FHIR_KIND, type, request.params.id, request.body, ifMatch(request)),
    );
  });
  app.patch<{ Params: InstanceParams }>('/fhir/:type/:id', { onRequest }, async (request, reply) => {
    const type = allow(request, 'FhirPatch', 'u');
    return send(
      reply,
      patchResource(context.store, FHIR_KIND, type, request.params.id, request.body, ifMatch(request)),
    );
  });
  app.delete<{ Params: InstanceParams }>('/fhir/:type/:id', { onRequest }, async (request, reply) => {
    const type = allow(request, 'FhirDelete', 'd');
    return send(reply, deleteResource(context.store, FHIR_KIND, type, request.params.id, ifMatch(request)));
  });
}

async function authenticate(context: EmulatorContext, authorization: string | undefined): Promise<Caller> {
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
  return { claims, client };
}

function authorize(
  context: EmulatorContext,
  caller: Caller,
  request: FastifyRequest<{ Params: TypeParams | InstanceParams }>,
  operation: FhirOperationId,
  interaction: Interaction,
): void {
  const query = queryOf(request);
  const { type } = request.params;
  const scopes = caller.claims.scope.split(' ').filter((scope) => scope !== '');
  if (!scopesAllow(scopes, type, interaction, query)) {
    throw new OutcomeError(
      403,
      'forbidden',
      `Access denied: the token's scopes do not allow ${interaction} on ${type}`,
    );
  }
  const policyRequest: PolicyRequest = {
    'request-method': request.method.toLowerCase(),
    uri: request.url.split('?')[0] ?? request.url,
    params: { ...paramsObject(query), ...routeParams(request.params) },
    operation: { id: operation },
    client: aidboxView(caller.client),
    jwt: { ...caller.claims },
  };
  const policies = context.store.list('AccessPolicy').map((stored) => stored.resource);
  if (!policiesAllow(policies, policyRequest)) {
    throw new OutcomeError(403, 'forbidden', 'Access denied: no AccessPolicy allows this request');
  }
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
