/**
 * SMART system scopes as the emulator enforces them on FHIR requests (SMART App Launch 2.2 §"Scopes for requesting
 * FHIR resources"). Written here rather than imported from the portal's domain package: a test double must not share
 * the code it is meant to check.
 *
 * - v1: `system/<Type|*>.<read|write|*>`, where read = r + s, write = c + u + d, `*` = all five.
 * - v2: `system/<Type|*>.<cruds subset, in that order>`, optionally followed by `?param=value&...`.
 * - Scopes of other contexts (`patient/`, `user/`) and anything malformed grant nothing.
 */

/** The five SMART v2 interactions: create, read, update, delete, search. */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';

interface ParsedScope {
  readonly resourceType: string;
  readonly interactions: ReadonlySet<Interaction>;
  /** v2 query restrictions, e.g. `category=laboratory`. */
  readonly restrictions: ReadonlyArray<readonly [string, string]>;
}

const V1_PERMISSIONS: Readonly<Record<string, readonly Interaction[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

const SYSTEM_SCOPE = /^system\/(\*|[A-Z][A-Za-z]*)\.([^?]+)(?:\?(.+))?$/;

export function parseScope(scope: string): ParsedScope | undefined {
  const match = SYSTEM_SCOPE.exec(scope);
  if (!match) return undefined;
  const [, resourceType = '', permissions = '', query] = match;
  const v1 = V1_PERMISSIONS[permissions];
  if (v1) return query === undefined ? { resourceType, interactions: new Set(v1), restrictions: [] } : undefined;
  if (!/^c?r?u?d?s?$/.test(permissions)) return undefined; // v2 letters, each once, in order, none other
  const restrictions = query === undefined ? [] : [...new URLSearchParams(query)];
  return { resourceType, interactions: new Set([...permissions] as Interaction[]), restrictions };
}

/**
 * Whether the granted scopes allow an interaction on a resource type. `searchParams` are the request's query
 * parameters: a v2 scope with query restrictions (`system/Observation.rs?category=laboratory`) only allows searches
 * that carry the same restrictions, and never a read or a write, whose target the emulator cannot check against the
 * restriction (failing closed).
 */
export function scopesAllow(
  scopes: readonly string[],
  resourceType: string,
  interaction: Interaction,
  searchParams: URLSearchParams = new URLSearchParams(),
): boolean {
  return scopes.some((scope) => {
    const parsed = parseScope(scope);
    if (!parsed) return false;
    if (parsed.resourceType !== '*' && parsed.resourceType !== resourceType) return false;
    if (!parsed.interactions.has(interaction)) return false;
    if (parsed.restrictions.length === 0) return true;
    return (
      interaction === 's' && parsed.restrictions.every(([name, value]) => searchParams.getAll(name).includes(value))
    );
  });
}
