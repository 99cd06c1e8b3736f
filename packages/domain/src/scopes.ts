/**
 * SMART system scopes (SMART App Launch 2.2, "Scopes for requesting clinical data").
 *
 * Backend services only get `system/` scopes. v1 permissions are `read`, `write` or `*`; v2 permissions are a
 * non-empty subset of `cruds`, in that order.
 */

export const SCOPE_VERSIONS = ['v1', 'v2'] as const;
export type ScopeVersion = (typeof SCOPE_VERSIONS)[number];

export interface ScopeProblem {
  /** Position of the scope in the list the caller sent. */
  readonly index: number;
  readonly scope: string;
  readonly message: string;
}

export type ScopeValidation =
  | { readonly ok: true; readonly scopes: string[] }
  | { readonly ok: false; readonly problems: ScopeProblem[] };

const SHAPE = /^system\/(\*|[A-Za-z]+)\.([A-Za-z*]+)$/;
const V2_PERMISSIONS = /^c?r?u?d?s?$/;

function problemWith(scope: string, version: ScopeVersion): string | undefined {
  const match = SHAPE.exec(scope);
  if (!match) return `"${scope}" is not of the form system/<ResourceType|*>.<permissions>`;
  const [, resource = '', permissions = ''] = match;
  if (resource !== '*' && !/^[A-Z]/.test(resource)) {
    return `"${scope}": resource type "${resource}" must start with an upper-case letter`;
  }
  switch (version) {
    case 'v1':
      if (!['read', 'write', '*'].includes(permissions)) {
        return `"${scope}": a v1 scope ends in .read, .write or .*`;
      }
      return undefined;
    case 'v2':
      if (!V2_PERMISSIONS.test(permissions)) {
        return `"${scope}": v2 permissions are a subset of c, r, u, d, s in that order`;
      }
      return undefined;
    default:
      return version satisfies never;
  }
}

/** Checks every scope against the grammar of `version` and returns them normalised (deduplicated, sorted). */
export function validateScopes(scopes: readonly string[], version: ScopeVersion): ScopeValidation {
  const problems: ScopeProblem[] = [];
  scopes.forEach((scope, index) => {
    const message = problemWith(scope, version);
    if (message) problems.push({ index, scope, message });
  });
  if (scopes.length === 0) problems.push({ index: 0, scope: '', message: 'at least one scope is required' });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, scopes: normaliseScopes(scopes) };
}

/** Deduplicates and sorts scopes so that equal sets are stored equally. */
export function normaliseScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes)].sort();
}
