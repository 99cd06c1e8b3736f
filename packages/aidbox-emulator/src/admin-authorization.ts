/**
 * AccessPolicies on Aidbox's own REST API (`/Client`, `/AccessPolicy`, `/Organization` at the server root), for every
 * caller but root: the request is allowed only when an AccessPolicy that applies to the calling Client allows it, 403
 * otherwise (`docs/access-control/authorization/access-policies.md`: "If all policies fail to validate it ..., then
 * Aidbox denies the request and responds with 403 Forbidden").
 *
 * The request object holds the documented keys (same page, § Request object structure): `request-method` in lower
 * case, `uri` (the path, "no query string"), `query-string` (raw), `params` ("Parsed query-string params merged with
 * URL params extracted by the routing engine"), `body` ("Request body (for POST, PUT or PATCH)", parsed JSON), `client`
 * (the stored Client, without its secret) and `jwt` for a bearer token. Where the docs are silent the emulator takes
 * the reading a policy cannot lean on:
 * - the route's params are named `resource/type` and `resource/id` as on the FHIR API, and a query parameter of the
 *   same name wins over them (which one wins is undocumented: policies must anchor `uri` instead);
 * - no `operation` is set: the docs name no operation ids for these routes, so a policy that relies on one never
 *   matches here, and no Operation-linked policy applies.
 */
import type { FastifyRequest } from 'fastify';
import { type PolicyRequest, policiesAllow } from './access-policies.ts';
import type { Caller } from './callers.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { pathOf } from './faults.ts';
import { OutcomeError } from './operation-outcome.ts';
import { queryOf, queryParams } from './request-helpers.ts';
import { aidboxView } from './resource-kinds.ts';

/** The resource a route addresses: its type, and its id for instance routes. */
export interface AdminTarget {
  readonly type: string;
  readonly id?: string;
}

/** Throws 403 unless the caller is root or an AccessPolicy allows this request for the calling Client. */
export function authorizeAdminRequest(
  context: EmulatorContext,
  caller: Caller,
  request: FastifyRequest,
  target: AdminTarget,
): void {
  if (caller.kind === 'root') return;
  const policies = context.store.list('AccessPolicy').map((stored) => stored.resource);
  if (!policiesAllow(policies, policyRequestOf(request, caller, target))) {
    throw new OutcomeError(403, 'forbidden', 'Access denied: no AccessPolicy allows this request');
  }
}

function policyRequestOf(
  request: FastifyRequest,
  caller: Extract<Caller, { kind: 'client' }>,
  target: AdminTarget,
): PolicyRequest {
  const question = request.url.indexOf('?');
  const method = request.method.toLowerCase();
  const route: Record<string, string> = { 'resource/type': target.type };
  if (target.id !== undefined) route['resource/id'] = target.id;
  return {
    'request-method': method,
    uri: pathOf(request),
    ...(question >= 0 && { 'query-string': request.url.slice(question + 1) }),
    params: { ...route, ...queryParams(queryOf(request)) },
    ...((method === 'put' || method === 'patch' || method === 'post') && { body: request.body }),
    client: aidboxView(caller.client),
    ...(caller.claims && { jwt: { ...caller.claims } }),
  };
}
