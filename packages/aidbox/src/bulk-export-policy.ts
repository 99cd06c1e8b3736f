/**
 * The AccessPolicy alternatives of a FHIR bulk export (aidbox-docs `docs/api/bulk-api/export.md`): kick-off at the
 * three levels, status and cancel, for the types the service may export. Which types those are is the domain's rule
 * (`bulkExportGrant`, read and search on the type), the same one the portal's examples ask, so what the portal offers
 * is what the policy allows. Pure, like the rest of the mapping; infra/aidbox/NOTES.md, "Open questions (bulk export:
 * policy, conformance check and compose)", lists what an operator settles on a real Aidbox (`pnpm aidbox:check`).
 */
import { type BulkExportGrant, bulkExportGrant, type ScopeVersion } from '@payerbox/domain';
import { escapeRegex, FHIR_ID_PATTERN, organizationBasePattern } from './organization-policy.ts';
import type { JsonValue } from './resources.ts';

/** The export parameters a kick-off may carry, by level; nothing else (the contract of issue #18). */
const COMMON_PARAMETERS = ['_type', '_since', '_until', '_outputFormat'] as const;

/**
 * The kick-off of each level after a FHIR base, GET only (export.md: `GET /fhir/$export`, `/fhir/Patient/$export`,
 * `/fhir/Group/<group-id>/$export`), with the query parameters it may carry. `patient` is "supported only on
 * patient-level GET" (export.md § Parameters). POST with a Parameters body (patient and group levels) is never allowed:
 * its `_type` and `_aidbox.*` are in the body, which a pattern over `params` and `query-string` cannot bound.
 */
const KICK_OFFS: readonly { readonly path: string; readonly parameters: readonly string[] }[] = [
  { path: '/\\$export', parameters: COMMON_PARAMETERS },
  { path: '/Patient/\\$export', parameters: [...COMMON_PARAMETERS, 'patient'] },
  { path: `/Group/${FHIR_ID_PATTERN}/\\$export`, parameters: COMMON_PARAMETERS },
];

/** The three kick-off paths in one expression, for the kick-off without any query string. */
const ANY_KICK_OFF_PATH = `/(Patient/|Group/${FHIR_ID_PATTERN}/)?\\$export`;

/** Status (GET) and cancel (DELETE) of one export: `<base>/$export-status/<id>` (export.md). */
const STATUS_PATH = '/\\$export-status/[^/]+';

/**
 * The raw query string (`query-string`, aidbox-docs `docs/access-control/authorization/access-policies.md`) of a
 * kick-off that names only `parameters`, literally, each at most once for `_type`, as a Matcho regular expression
 * (Java's syntax: a string starting with `#`, `docs/reference/matcho-dsl-reference.md`).
 *
 * A list of what is allowed rather than a `$not` over what is refused, because `_aidbox.*` parameters override where
 * an export is written (export.md § "Overriding storage per request", 2605+: "as query parameters on GET"), and a
 * client must never choose the bucket its export lands in. A blacklist has to foresee every spelling Aidbox decodes
 * into the same name (`%5Faidbox.storageBucket`, `;` as a separator, a name in another case), and a `$not` over a
 * key that is absent or shaped otherwise than expected passes everything (the Matcho reference warns that `$not`
 * makes policies "too permissive"). This list fails closed: an encoded name, a `;`, an unknown parameter
 * (`_typeFilter`, `_elements`, `_aidbox.*`) or a missing `query-string` matches nothing. A second `_type` is refused
 * because it would leave `params._type` a list (or the last value) that the type condition cannot vouch for.
 * Values may hold anything but `&` and `;` (percent-encoded commas, slashes, colons and `+`).
 */
function queryStringPattern(parameters: readonly string[]): string {
  // The names are this module's constants, letters and `_` only: nothing to escape.
  const pair = `(?:${parameters.join('|')})=[^&;]*`;
  return `#^(?!(?:.*&)?_type=.*&_type=)${pair}(?:&${pair})*$`;
}

/**
 * A `_type` value naming one or more of `types`, comma-separated as the Bulk Data spec writes it ("Comma-separated
 * list of resource types", export.md § Parameters), and nothing else: no empty item, no space, no other type, not
 * even a final line break (`\z`, the very end: Java's `$` also matches before a final line terminator).
 */
function typeListPattern(types: readonly string[]): string {
  const one = `(${types.map(escapeRegex).join('|')})`;
  return `#^${one}(,${one})*\\z`;
}

/**
 * The alternatives that let the client of `scopes` run a bulk export of the types it may export
 * ({@link bulkExportGrant}); none when it may export none. `client` is the pattern every alternative repeats.
 *
 * Matched by method and anchored `uri`, never by operation id: the docs name no id for kick-off, status or cancel,
 * and Health Samurai's own least-privilege policy for `$export` matches `uri` alone (payerbox-docs
 * `docs/run-payerbox/provider-directory-pipeline.md`: `"uri": "#^/fhir/\\$export(\\?|$)"`,
 * `"#^/fhir/\\$export-status/"`). `uri` is the path without the query string (access-policies.md: "Request URI (no
 * query string)"), so nothing after `?` can move a request to another path.
 *
 * - Kick-off: `get` on each level's path; `query-string` naming only that level's parameters
 *   ({@link queryStringPattern}); `params._type` (the decoded value, access-policies.md: "Parsed query-string
 *   params") required and listing only exportable types, unless a wildcard grant makes every type exportable. A
 *   wildcard client may also kick off with no query string at all (`query-string` `nil?`, documented in the Matcho
 *   reference), which carries no override either.
 * - Status and cancel: `get` and `delete` on `$export-status/<id>`. Which client may poll which export is Aidbox's to
 *   decide (NOTES.md, the open questions of this section).
 * - A client bound to an organization: the same paths under its organization's base only (aidbox-docs
 *   `docs/access-control/authorization/scoped-api/organization-based-hierarchical-access-control.md` § Group-level and
 *   System-level Export, status and cancel under `/Organization/<org-id>/fhir/$export-status/<export-id>`), whose
 *   export "includes resources belonging to the organization and its children". The patient level under an
 *   organization base is not listed there; it is allowed as at the root (the contract), and NOTES.md records
 *   the question.
 */
export function bulkExportAlternatives(
  client: JsonValue,
  scopes: readonly string[],
  scopeVersion: ScopeVersion,
  organizationId: string | null,
): JsonValue[] {
  const grant = bulkExportGrant(scopes, scopeVersion);
  if (grant === null) return [];
  const base = organizationId === null ? '/fhir' : organizationBasePattern(organizationId);
  // As every alternative of a bound client (organization-policy.ts): `params.organization/id` as a second condition.
  const organization = organizationId === null ? {} : { 'organization/id': organizationId };
  const kickOffs: JsonValue[] = KICK_OFFS.map(({ path, parameters }) => ({
    client,
    'request-method': 'get',
    uri: `#^${base}${path}$`,
    ...paramsCondition({ ...organization, ...typeCondition(grant) }),
    'query-string': queryStringPattern(parameters),
  }));
  if (grant.allTypes) {
    kickOffs.push({
      client,
      'request-method': 'get',
      uri: `#^${base}${ANY_KICK_OFF_PATH}$`,
      ...paramsCondition(organization),
      'query-string': 'nil?',
    });
  }
  const statusAndCancel = {
    client,
    'request-method': { $enum: ['get', 'delete'] },
    uri: `#^${base}${STATUS_PATH}$`,
    ...paramsCondition(organization),
  };
  return [...kickOffs, statusAndCancel];
}

/** `params` with `conditions`, or no `params` key at all when there are none. */
function paramsCondition(conditions: { [name: string]: string }): { params?: { [name: string]: string } } {
  return Object.keys(conditions).length === 0 ? {} : { params: conditions };
}

/** The condition on `params._type`: none for a wildcard grant, else a list of exportable types. */
function typeCondition(grant: BulkExportGrant): { _type?: string } {
  return grant.allTypes ? {} : { _type: typeListPattern(grant.types) };
}
