/**
 * The `scope` of a `client_credentials` token: what the client asked for, checked against what its Client holds.
 *
 * - A requested scope is granted when the client's scopes cover it (`isCoveredBy`: a type under a held wildcard, v1
 *   and v2 spellings of the same permissions). Payerbox's example registers `system/*.read` and gets exactly the
 *   narrower `system/Patient.read system/ExplanationOfBenefit.read` it asks for (payerbox-docs
 *   `docs/api-reference/authentication.md` § "Token request").
 * - A requested scope the client does not hold is `400 invalid_scope`, "Requested scope not allowed for this client"
 *   (same page, § "Common errors"). Aidbox's own docs say nothing; refusing is also the fail-safe choice.
 * - No `scope` parameter: the client's own scopes. Aidbox's docs mark `scope` required for backend services
 *   (`.../smart-client-authorization/smart-backend-services.md`) yet show a secret client's token without one
 *   (`docs/tutorials/security-access-control-tutorials/client-credentials-grant.md`); what a real Aidbox grants then
 *   is an open question in infra/aidbox/NOTES.md.
 * - A `system/` scope with search parameters fails the whole request with `invalid_scope`: Aidbox "reject[s] the whole
 *   token" (`docs/access-control/authorization/smart-on-fhir/smart-scopes-for-limiting-access.md` § Limitations).
 * - For a Client of `type: smart-app`, wildcards are expanded to the fixed type list Aidbox documents (see
 *   `DOCUMENTED_WILDCARD_EXPANSION`), and that list is what the token enforces. Other clients' tokens carry no scopes
 *   (`access-tokens.ts`); their answer echoes the grant as it was asked for.
 */
import { isStringArray, type JsonObject } from './json-value.ts';
import { expandWildcards, hasSearchParameters, isCoveredBy } from './smart-scopes.ts';

export type TokenScope =
  | {
      /** The `scope` of the token response, space-separated. */
      readonly scope: string;
      /** What the token itself carries and Aidbox then enforces; undefined for a client that is not a smart-app. */
      readonly enforcedScope: string | undefined;
    }
  /** Why the request is `invalid_scope`. */
  | { readonly refused: string };

/** The scope to grant `client` for the `scope` parameter `requested` (undefined when the request had none). */
export function tokenScope(
  client: JsonObject,
  requested: string | undefined,
  wildcardTypes: readonly string[],
): TokenScope {
  const held = isStringArray(client.scope) ? client.scope : [];
  const asked = [...new Set((requested ?? '').split(' ').filter((scope) => scope !== ''))];
  const granted = asked.length === 0 ? held : asked;
  const restricted = granted.filter(hasSearchParameters);
  if (restricted.length > 0) {
    return { refused: `system scopes cannot be restricted by search parameters: ${restricted.join(' ')}` };
  }
  const refused = asked.filter((scope) => !isCoveredBy(scope, held));
  if (refused.length > 0) {
    return { refused: `the client does not hold the scope ${refused.join(' ')}` };
  }
  if (client.type !== 'smart-app') return { scope: granted.join(' '), enforcedScope: undefined };
  const enforced = expandWildcards(granted, wildcardTypes).join(' ');
  return { scope: enforced, enforcedScope: enforced };
}
