/**
 * The FHIR interactions the emulator serves on the root base `/fhir` only, each let through by the root base's gate
 * (`fhir-routes.ts`: scopes for smart-app tokens, then AccessPolicies) under its own operation id:
 *
 * - vread `GET /fhir/<type>/<id>/_history/<vid>`, instance history `GET /fhir/<type>/<id>/_history` and type history
 *   `GET /fhir/<type>/_history` (`fhir-history.ts`);
 * - search by POST `POST /fhir/<type>/_search` with a form body, whose parameters join the query string's;
 * - conditional update `PUT /fhir/<type>?<criteria>` (aidbox-docs `docs/api/rest-api/crud/update.md` § "Conditional
 *   Update"): no match creates (keeping an `id` the body gives), one match is updated (the body's `id` ignored),
 *   several answer 412. Criteria the emulator cannot search by answer 400 rather than being ignored, so that a
 *   conditional update never replaces a resource the criteria did not select;
 * - Bundles `POST /fhir` (`transaction` or `batch`): checked against AccessPolicies as a whole and never executed. The
 *   docs say Aidbox then evaluates each entry (`.../smart-scopes-for-limiting-access.md` § "Scopes in transaction
 *   bundles"), which is unverified; the portal's policies grant no Bundle, so its clients get 403 here, and a client
 *   some policy lets through gets 501.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './emulator-context.ts';
import { historyBundle, readVersion } from './fhir-history.ts';
import type { FhirApi, InstanceParams, TypeParams } from './fhir-routes.ts';
import { ignoredSearchParams, searchBundle, searchMatches } from './fhir-search.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';
import { ifMatch, queryOf, send } from './request-helpers.ts';
import { FHIR_KIND } from './resource-kinds.ts';
import { createResource, updateResource } from './resource-operations.ts';

interface VersionParams extends InstanceParams {
  vid: string;
}

export function registerRootOnlyRoutes(app: FastifyInstance, context: EmulatorContext, root: FhirApi): void {
  const { onRequest, allow } = root;
  const base = () => `${context.baseUrl}/fhir`;

  app.get<{ Params: VersionParams }>('/fhir/:type/:id/_history/:vid', { onRequest }, async (request, reply) => {
    const { type } = allow(request, 'vread');
    const { id, vid } = request.params;
    return send(reply, readVersion(context.store, FHIR_KIND, type, id, vid));
  });
  app.get<{ Params: InstanceParams }>('/fhir/:type/:id/_history', { onRequest }, async (request, reply) => {
    const { type } = allow(request, 'history-instance');
    return reply.send(historyBundle(context.store, FHIR_KIND, base(), type, request.params.id, queryOf(request)));
  });
  app.get<{ Params: TypeParams }>('/fhir/:type/_history', { onRequest }, async (request, reply) => {
    const { type } = allow(request, 'history-type');
    return reply.send(historyBundle(context.store, FHIR_KIND, base(), type, undefined, queryOf(request)));
  });

  app.post<{ Params: TypeParams }>('/fhir/:type/_search', { onRequest }, async (request, reply) => {
    const form = formOf(request.body);
    const { type } = allow(request, 'post-search', form);
    const query = new URLSearchParams([...queryOf(request), ...form]);
    return reply.send(searchBundle(context, FHIR_KIND, type, query, `${base()}/${type}`));
  });

  app.put<{ Params: TypeParams }>('/fhir/:type', { onRequest }, async (request, reply) => {
    const { type } = allow(request, 'conditional-update');
    const criteria = queryOf(request);
    if ([...criteria.keys()].length === 0) {
      throw new OutcomeError(400, 'invalid', 'A conditional update needs search criteria: PUT /fhir/<type>?<criteria>');
    }
    const ignored = ignoredSearchParams(type, criteria);
    if (ignored.length > 0) {
      throw new OutcomeError(400, 'not-supported', `The emulator cannot search ${type} by ${ignored.join(', ')}`);
    }
    const matches = searchMatches(context, FHIR_KIND, type, criteria);
    if (matches.length > 1) {
      throw new OutcomeError(412, 'multiple-matches', `${matches.length} ${type} resources match the criteria`);
    }
    const [match] = matches;
    if (match) {
      // "In the case of one match, conditional update ignores the id coming in the request body" (update.md).
      const body = isJsonObject(request.body) ? { ...request.body, id: match.id } : request.body;
      return send(reply, updateResource(context.store, FHIR_KIND, type, String(match.id), body, ifMatch(request)));
    }
    const created = createResource(context.store, FHIR_KIND, type, request.body);
    const meta = created.body?.meta as JsonObject | undefined;
    reply.header('location', `${base()}/${type}/${created.body?.id}/_history/${meta?.versionId}`);
    return send(reply, created);
  });

  app.post<{ Params: Record<never, never> }>('/fhir', { onRequest }, async (request) => {
    const bundle = request.body;
    const kind = isJsonObject(bundle) && bundle.resourceType === 'Bundle' ? bundle.type : undefined;
    if (kind !== 'transaction' && kind !== 'batch') {
      throw new OutcomeError(400, 'invalid', 'POST /fhir takes a Bundle of type transaction or batch');
    }
    allow(request, kind);
    throw new OutcomeError(501, 'not-supported', `The emulator does not execute ${kind} Bundles`);
  });
}

/** The parameters of a form body; anything else is refused (415). */
function formOf(body: unknown): URLSearchParams {
  if (body === undefined || body === null) return new URLSearchParams();
  if (body instanceof URLSearchParams) return body;
  throw new OutcomeError(415, 'not-supported', 'POST _search takes application/x-www-form-urlencoded parameters');
}
