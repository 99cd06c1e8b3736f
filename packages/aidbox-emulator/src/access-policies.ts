/**
 * AccessPolicy evaluation (`docs/access-control/authorization/access-policies.md`): a policy applies to a request
 * when one of its links names the request's Client (or Operation), or when it has no links at all; the request is
 * allowed when any applicable policy allows it, and denied by default.
 */
import { parseLink } from './access-policy-resource.ts';
import type { JsonObject } from './json-value.ts';
import { ruleAllows } from './policy-engines.ts';

/** The FHIR interactions the emulator serves. */
export type FhirInteraction = 'read' | 'search' | 'create' | 'update' | 'patch' | 'delete';

/** Aidbox's operation ids for the FHIR interactions of the root base `/fhir`. */
export const FHIR_OPERATIONS = {
  read: 'FhirRead',
  search: 'FhirSearch',
  create: 'FhirCreate',
  update: 'FhirUpdate',
  patch: 'FhirPatch',
  delete: 'FhirDelete',
} as const satisfies Record<FhirInteraction, string>;

/**
 * The request as AccessPolicy engines see it (the documented keys; there are no users in the emulator). On an
 * organization base `params` also holds `organization/id`, which the docs' policies compare with the binding of the
 * caller (`docs/tutorials/security-access-control-tutorials/how-to-enable-hierarchical-access-control.md`), and the
 * operation id is the organization base's (`orgbac.ts`).
 */
export interface PolicyRequest {
  readonly 'request-method': string;
  /** The path, without the query string. */
  readonly uri: string;
  /** The raw query string, without `?`; absent when the URL has none. */
  readonly 'query-string'?: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The route's operation; absent where the docs name none (the emulator then sets none). */
  readonly operation?: { readonly id: string };
  /** The parsed request body, "for POST, PUT or PATCH". */
  readonly body?: unknown;
  /** The stored Client resource, as GET /Client/<id> returns it. */
  readonly client: JsonObject;
  /** The access token's claims; absent for HTTP Basic. */
  readonly jwt?: JsonObject;
}

export function policiesAllow(policies: readonly JsonObject[], request: PolicyRequest): boolean {
  return policies.some((policy) => appliesTo(policy, request) && ruleAllows(policy, request));
}

function appliesTo(policy: JsonObject, request: PolicyRequest): boolean {
  const links = Array.isArray(policy.link) ? policy.link : [];
  if (links.length === 0) return true;
  return links.some((entry) => {
    const link = parseLink(entry);
    switch (link?.resourceType) {
      case 'Client':
        return link.id === request.client.id;
      case 'Operation':
        return link.id === request.operation?.id;
      default:
        return false; // User links never apply: the emulator has no users
    }
  });
}
