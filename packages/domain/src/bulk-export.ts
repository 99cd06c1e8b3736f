/**
 * Which resource types a service may bulk export (FHIR Bulk Data `$export`, aidbox-docs `docs/api/bulk-api/export.md`),
 * from its scopes. An export reads every resource of a type, so it takes a grant of both read and search on that type
 * (v2 `rs`, v1 `read`): a grant of one without the other allows no export of the type. A wildcard grant of both
 * (`system/*.rs`, `system/*.read`) allows every type. The derived access policy and the portal's examples ask this
 * one rule, so what the portal offers is what the policy allows (issue #18's contract, "Access control").
 */
import { grantsOf, type ScopeVersion } from './scopes.ts';

/** What a service may export. */
export interface BulkExportGrant {
  /** A wildcard grant of read and search: every type may be exported, and `_type` may be left out. */
  readonly allTypes: boolean;
  /** The named types granted read and search, sorted; the only ones `_type` may list unless `allTypes`. */
  readonly types: readonly string[];
}

/**
 * What the scopes let a service export, or null when they grant read and search on no type (then no export is
 * allowed at all). Grants are merged per type first (`grantsOf`), so `system/Patient.r` with `system/Patient.s`
 * counts as `rs`; a wildcard's letters are not added to a named type's. Throws on an invalid scope, as `grantsOf`.
 */
export function bulkExportGrant(scopes: readonly string[], version: ScopeVersion): BulkExportGrant | null {
  const exportable = grantsOf(scopes, version)
    .filter((grant) => grant.permissions.includes('r') && grant.permissions.includes('s'))
    .map((grant) => grant.resource);
  if (exportable.length === 0) return null;
  return { allTypes: exportable.includes('*'), types: exportable.filter((resource) => resource !== '*') };
}
