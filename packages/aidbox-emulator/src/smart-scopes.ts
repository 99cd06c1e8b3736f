/**
 * SMART system scopes as the emulator reads them (SMART App Launch 2.2 §"Scopes for requesting FHIR resources").
 * Written here rather than imported from the portal's domain package: a test double must not share the code it is
 * meant to check.
 *
 * - v1: `system/<Type|*>.<read|write|*>`, where read = r + s, write = c + u + d, `*` = all five.
 * - v2: `system/<Type|*>.<cruds subset, in that order>`.
 * - A `system/` scope with search parameters (`?param=value`) is not a scope Aidbox accepts: "Search parameters are
 *   not allowed in: `system/` level scopes; [...] A scope that violates these rules makes Aidbox reject the whole
 *   token" (aidbox-docs `docs/access-control/authorization/smart-on-fhir/smart-scopes-for-limiting-access.md`
 *   § Limitations). The token endpoint refuses such a request (`hasSearchParameters`), and should one reach a check
 *   anyway it grants nothing.
 * - Scopes of other contexts (`patient/`, `user/`) and anything malformed grant nothing.
 */

/** The five SMART v2 interactions: create, read, update, delete, search. */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';

interface ParsedScope {
  readonly resourceType: string;
  readonly interactions: ReadonlySet<Interaction>;
}

const V1_PERMISSIONS: Readonly<Record<string, readonly Interaction[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

const SYSTEM_SCOPE = /^system\/(\*|[A-Z][A-Za-z]*)\.([^?]+)$/;

/**
 * The resource types Aidbox lists when it expands `system/*.read` for a client, as its only complete example shows
 * them (aidbox-docs `docs/access-control/authorization/smart-on-fhir/smart-client-authorization/
 * smart-backend-services.md` § "Obtain access token": request `scope=system/*.read`, response `scope` with these 19
 * types). No Coverage, ExplanationOfBenefit or Claim: a scope-checked token of a payer client asking for `*` cannot
 * reach payer data. How Aidbox computes the list is not documented; emulator option `smartWildcardTypes` replaces it.
 */
export const DOCUMENTED_WILDCARD_EXPANSION: readonly string[] = [
  'AllergyIntolerance',
  'CarePlan',
  'CareTeam',
  'Condition',
  'Device',
  'DiagnosticReport',
  'DocumentReference',
  'Encounter',
  'Goal',
  'Group',
  'Immunization',
  'Location',
  'MedicationRequest',
  'Observation',
  'Organization',
  'Patient',
  'Practitioner',
  'Procedure',
  'Provenance',
];

export function parseScope(scope: string): ParsedScope | undefined {
  const match = SYSTEM_SCOPE.exec(scope);
  if (!match) return undefined;
  const [, resourceType = '', permissions = ''] = match;
  const v1 = V1_PERMISSIONS[permissions];
  if (v1) return { resourceType, interactions: new Set(v1) };
  if (!/^c?r?u?d?s?$/.test(permissions) || permissions === '') return undefined; // v2 letters, once each, in order
  return { resourceType, interactions: new Set([...permissions] as Interaction[]) };
}

/** True for a `system/` scope that carries search parameters, which makes Aidbox reject the whole token. */
export function hasSearchParameters(scope: string): boolean {
  return scope.startsWith('system/') && scope.includes('?');
}

/**
 * Whether the scopes together allow every one of `interactions` on `resourceType` (a type, or `*` for "every type",
 * which only a wildcard scope covers). Letters may come from different scopes: `system/Patient.r` and
 * `system/Patient.s` together allow what `system/Patient.rs` allows.
 */
export function scopesAllow(
  scopes: readonly string[],
  resourceType: string,
  interactions: readonly Interaction[],
): boolean {
  const parsed = scopes.map(parseScope).filter((scope) => scope !== undefined);
  return interactions.every((interaction) =>
    parsed.some(
      (scope) =>
        (scope.resourceType === '*' || scope.resourceType === resourceType) && scope.interactions.has(interaction),
    ),
  );
}

/**
 * Whether a requested scope is covered by the scopes a client holds: a system scope whose type the held scopes name
 * (or cover with `*`) and whose permissions they all grant, whichever version spells them (`system/Patient.read` is
 * covered by `system/Patient.rs`, `system/Coverage.rs` by `system/*.read`). Anything else is not covered.
 */
export function isCoveredBy(requested: string, held: readonly string[]): boolean {
  const scope = parseScope(requested);
  return scope !== undefined && scopesAllow(held, scope.resourceType, [...scope.interactions]);
}

/**
 * The scopes with every wildcard `system/*.<permissions>` replaced by one scope per listed type, the permissions kept
 * as written (`system/*.read` → `system/Patient.read`, ...), duplicates dropped, order kept.
 */
export function expandWildcards(scopes: readonly string[], types: readonly string[]): string[] {
  const expanded = scopes.flatMap((scope) => {
    const wildcard = /^system\/\*\.(.+)$/.exec(scope);
    return wildcard && parseScope(scope) ? types.map((type) => `system/${type}.${wildcard[1]}`) : [scope];
  });
  return [...new Set(expanded)];
}
