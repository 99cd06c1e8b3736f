/**
 * The AccessPolicy alternatives of a client bound to an OrgBAC organization (production only: the sandbox runs without
 * OrgBAC, see `organizationInEnvironment` in `@payerbox/domain`). Pure, like the rest of the mapping.
 *
 * Every alternative requires three things a caller cannot forge with a query string:
 * - the client's tenant binding (`client.meta.extension` `$contains` the organization), which only the provisioner
 *   writes (aidbox-docs `docs/tutorials/security-access-control-tutorials/how-to-enable-hierarchical-access-control.md`:
 *   "AccessPolicy should be configured to check the organization id from the `https://aidbox.app/tenant-organization-id`
 *   extension of the User/Client resource");
 * - a `uri` anchored on the organization's FHIR base and the resource type. `uri` is the request path without the
 *   query string (aidbox-docs `docs/access-control/authorization/access-policies.md`, request object: "Request URI (no
 *   query string)"), so `?organization%2Fid=...` cannot move a request to another organization;
 * - `params.organization/id` as a second condition. `params` is the query string merged with the route's parameters
 *   (same page: "Parsed query-string params merged with URL params extracted by the routing engine") and the docs do
 *   not say which wins when names collide, so this condition alone would not be enough.
 *
 * Operation ids: only `orgbac-fhir-read` and `orgbac-fhir-search` are documented for an organization base (aidbox-docs
 * `docs/api/rest-api/other/smart-health-cards.md`: "run as the org-scoped operations ..., `orgbac-fhir-read`, and
 * `orgbac-fhir-search`"). Writes have no documented id, so they are matched by `request-method` and the anchored
 * `uri` instead of a guessed `orgbac-fhir-create` (infra/aidbox/NOTES.md, "Open questions (organizations and
 * transient statuses)").
 */
import type { Permission, SystemScope } from '@payerbox/domain';
import type { JsonValue } from './resources.ts';

/** The documented operation ids of reads on an organization base. */
const ORGBAC_READ_OPERATIONS: Readonly<Partial<Record<Permission, readonly string[]>>> = {
  r: ['orgbac-fhir-read'],
  s: ['orgbac-fhir-search'],
};

/** FHIR R4 `id`: what an organization id and a resource id may hold. */
export const FHIR_ID_PATTERN = '[A-Za-z0-9\\-.]{1,64}';
const FHIR_ID = new RegExp(`^${FHIR_ID_PATTERN}$`);
/** A resource type in a path; the wildcard grant matches any. */
const ANY_RESOURCE_TYPE = '[A-Z][A-Za-z]+';

/**
 * Writes on an organization base by HTTP method (lower case, as the request object has it) and by what follows the
 * type in the path: create is `POST <base>/<Type>`; update, patch and delete address one id, or the type with search
 * criteria in the query string (conditional update, patch and delete, which the OrgBAC page lists since 2509).
 */
const ORGBAC_WRITES: Readonly<Record<'c' | 'u' | 'd', { readonly methods: readonly string[]; readonly tail: string }>> =
  {
    c: { methods: ['post'], tail: '$' },
    u: { methods: ['put', 'patch'], tail: `(/${FHIR_ID_PATTERN})?$` },
    d: { methods: ['delete'], tail: `(/${FHIR_ID_PATTERN})?$` },
  };

/** True for a valid FHIR id, the only organization ids a policy may name. */
export function isFhirId(value: string): boolean {
  return FHIR_ID.test(value);
}

/**
 * `value` with every character that is not a letter or digit backslash-escaped, for a Matcho regular expression (a
 * FHIR id may hold `.`, which would match any character, and `-`). A backslash before a non-letter is a literal in
 * Java's regular expressions, which Aidbox uses, and in JavaScript's, which the emulator uses.
 */
export function escapeRegex(value: string): string {
  return value.replace(/[^A-Za-z0-9]/g, (character) => `\\${character}`);
}

/**
 * The organization's FHIR base `/Organization/<id>/fhir` as a regular expression that matches that path alone: the id
 * escaped, so that `acme.east` does not also match `acmeXeast`. `organizationId` must be a FHIR id ({@link isFhirId}).
 */
export function organizationBasePattern(organizationId: string): string {
  return `/Organization/${escapeRegex(organizationId)}/fhir`;
}

/**
 * A Matcho regular expression (`#...`, a search, hence the `^`: aidbox-docs `docs/reference/matcho-dsl-reference.md`)
 * for the paths under the organization's base `/Organization/<id>/fhir` for `resource`, followed by `tail`.
 */
function uriPattern(organizationId: string, resource: string, tail: string): string {
  const type = resource === '*' ? ANY_RESOURCE_TYPE : escapeRegex(resource);
  return `#^${organizationBasePattern(organizationId)}/${type}${tail}`;
}

/**
 * The alternatives that let a client bound to `organizationId` do what one grant allows, through that organization's
 * base only: one for the reads (by their documented operation ids) and one per kind of write (by method and path).
 * `client` is the pattern every alternative repeats (the client's id, `active` and its binding). `organizationId` must
 * be a FHIR id ({@link isFhirId}).
 */
export function organizationAlternatives(
  client: JsonValue,
  organizationId: string,
  grant: SystemScope,
): { [key: string]: JsonValue }[] {
  // A wildcard type matches requests for every resource type, so it puts no condition on `resource/type`.
  const params: { [key: string]: JsonValue } = {
    'organization/id': organizationId,
    ...(grant.resource !== '*' && { 'resource/type': grant.resource }),
  };
  const alternatives: { [key: string]: JsonValue }[] = [];
  const reads = grant.permissions.flatMap((permission) => ORGBAC_READ_OPERATIONS[permission] ?? []);
  if (reads.length > 0) {
    alternatives.push({
      client,
      uri: uriPattern(organizationId, grant.resource, '(/|$)'),
      params,
      operation: { id: { $enum: reads } },
    });
  }
  for (const permission of grant.permissions) {
    if (permission !== 'c' && permission !== 'u' && permission !== 'd') continue;
    const write = ORGBAC_WRITES[permission];
    alternatives.push({
      client,
      'request-method': { $enum: [...write.methods] },
      uri: uriPattern(organizationId, grant.resource, write.tail),
      params,
    });
  }
  return alternatives;
}
