// The FHIR request the token examples make with their token: one the service's scopes allow, so that "Try it" answers
// 200 instead of the access policy's 403. Pure: the examples and their tests ask this one rule.
import { grantsOf, type Permission, parseScope, type ScopeVersion } from '@payerbox/domain';

/**
 * One id per type of the sandbox's sample data (the sandbox init bundle, `infra/aidbox/init-bundle.sandbox.json.tpl`,
 * the emulator's seed): the first member's resources. Production holds no sample data, so it has no known ids.
 * A test keeps these equal to the emulator's seed.
 */
export const SANDBOX_SAMPLE_IDS: Readonly<Record<string, string>> = {
  Patient: 'test-pt-1',
  Coverage: 'cov-test-pt-1',
  Claim: 'claim-test-pt-1-1',
  ExplanationOfBenefit: 'eob-test-pt-1-1',
  Encounter: 'enc-test-pt-1-1',
  Observation: 'obs-test-pt-1-a1c',
  Organization: 'org-acme-health',
  Practitioner: 'org-acme-health-practitioner',
  Group: 'group-all-members',
};

/** The type a wildcard scope's example asks for: every payer's FHIR API serves its members. */
export const WILDCARD_EXAMPLE_TYPE = 'Patient';

/** What the example does after getting its token. `path` is relative to the FHIR base. */
export type FhirExampleRequest =
  /** `GET <type>?_count=1`: the scopes grant search on the type. */
  | { readonly kind: 'search'; readonly resource: string; readonly path: string }
  /**
   * `GET <type>/<id>`: the scopes grant read but no search anywhere. The id is the sandbox's sample data's, or a
   * placeholder the developer replaces with an id their organization holds (nothing the scopes allow can find one).
   */
  | { readonly kind: 'read'; readonly resource: string; readonly path: string; readonly sampleId: boolean }
  /** The scopes grant neither read nor search (only create, update or delete): the example stops at the token. */
  | { readonly kind: 'none' };

/**
 * The request the examples make, from what the scopes allow (the access policy allows an operation when any grant,
 * named or wildcard, has its letter): a search (`?_count=1`) of the first type with search, the first scope's type
 * preferred; else a read of the first readable type, preferring one whose id the environment's sample data holds;
 * a wildcard counts as {@link WILDCARD_EXAMPLE_TYPE}. Throws on an invalid scope, as `grantsOf` (stored scopes are valid).
 */
export function fhirExampleRequest(
  scopes: readonly string[],
  version: ScopeVersion,
  environment: 'sandbox' | 'production',
): FhirExampleRequest {
  const grants = grantsOf(scopes, version);
  const wildcard = grants.find((grant) => grant.resource === '*')?.permissions ?? [];
  const granted = (resource: string, permission: Permission) =>
    wildcard.includes(permission) ||
    grants.some((grant) => grant.resource === resource && grant.permissions.includes(permission));
  // The types in the order the developer lists them (the first scope's first), then the wildcard's stand-in.
  const named = scopes.flatMap((scope) => {
    const parsed = parseScope(scope, version);
    return parsed.ok && parsed.scope.resource !== '*' ? [parsed.scope.resource] : [];
  });
  const candidates = [...new Set([...named, ...(wildcard.length > 0 ? [WILDCARD_EXAMPLE_TYPE] : [])])];

  const searchable = candidates.find((resource) => granted(resource, 's'));
  if (searchable) return { kind: 'search', resource: searchable, path: `${searchable}?_count=1` };

  const readable = candidates.filter((resource) => granted(resource, 'r'));
  const sampleIdOf = (resource: string) => (environment === 'sandbox' ? SANDBOX_SAMPLE_IDS[resource] : undefined);
  const withSample = readable.find((resource) => sampleIdOf(resource) !== undefined);
  if (withSample)
    return { kind: 'read', resource: withSample, path: `${withSample}/${sampleIdOf(withSample)}`, sampleId: true };
  const [first] = readable;
  if (first)
    return { kind: 'read', resource: first, path: `${first}/<id of ${article(first)} ${first}>`, sampleId: false };
  return { kind: 'none' };
}

function article(resource: string): string {
  return /^[AEIOU]/.test(resource) ? 'an' : 'a';
}

/** One sentence saying what the request does and, for a read, where its id comes from. */
export function describeFhirRequest(request: FhirExampleRequest): string {
  switch (request.kind) {
    case 'search':
      return `Search ${request.resource}, asking for one result: your scopes grant search on it.`;
    case 'read':
      return request.sampleId
        ? `Read one ${request.resource} of the sandbox's sample data: your scopes grant read on it, but no search.`
        : `Read one ${request.resource}: your scopes grant read on it but no search, so replace <…> with the id of ` +
            `${article(request.resource)} ${request.resource} you hold.`;
    case 'none':
      return 'Your scopes grant no read or search, so the example stops once it has the token.';
    default:
      return request satisfies never;
  }
}
