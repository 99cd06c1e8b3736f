/**
 * What an edit changes in a service's configuration, as the audit trail records it: only the fields whose stored
 * value differs, each with its value before and after. Secret material never appears: a client secret is only said to
 * be issued or removed. An edit whose list of changed fields is empty changes nothing and is not recorded at all.
 */
import { type AuthMethod, assertNever } from './lifecycle.ts';
import { normaliseScopes, type ScopeVersion } from './scopes.ts';

/**
 * A service's configuration as the service stores it: the name trimmed, an empty description as null, the scopes
 * normalised ({@link normaliseScopes}). None of it is secret.
 */
export interface ServiceConfiguration {
  readonly name: string;
  readonly description: string | null;
  readonly authMethod: AuthMethod;
  readonly jwksUri: string | null;
  /** Production's own key set URL (Epic-style separate production keys); null: production uses `jwksUri`. */
  readonly productionJwksUri: string | null;
  readonly scopeVersion: ScopeVersion;
  readonly scopes: readonly string[];
  readonly organizationId: string | null;
}

export type ConfigurationField = keyof ServiceConfiguration;

const same = <T>(a: T, b: T): boolean => a === b;

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  // Scopes are a set: the same scopes in another order, or repeated, are the same configuration.
  const left = normaliseScopes(a);
  const right = normaliseScopes(b);
  return left.length === right.length && left.every((scope, index) => scope === right[index]);
}

type Equality = {
  readonly [F in ConfigurationField]: (a: ServiceConfiguration[F], b: ServiceConfiguration[F]) => boolean;
};

/** How each field is compared; TypeScript requires every field here, so none can be left out of the comparison. */
const SAME: Equality = {
  authMethod: same,
  description: same,
  jwksUri: same,
  name: same,
  organizationId: same,
  productionJwksUri: same,
  scopeVersion: same,
  scopes: sameScopes,
};

/** Every field of {@link ServiceConfiguration}, in the (alphabetical) order an event lists them. */
export const CONFIGURATION_FIELDS = Object.keys(SAME) as readonly ConfigurationField[];

/** The configuration part of anything that carries one (a service, a locked row), and nothing else. */
export function configurationOf(carrier: ServiceConfiguration): ServiceConfiguration {
  const pick = <F extends ConfigurationField>(field: F) => [field, carrier[field]] as const;
  return Object.fromEntries(CONFIGURATION_FIELDS.map(pick)) as unknown as ServiceConfiguration;
}

/** A field's stored value before and after the change. */
export interface FieldChange<T> {
  readonly from: T;
  readonly to: T;
}

/** Before and after of each changed field. */
export type FieldChanges = { readonly [F in ConfigurationField]?: FieldChange<ServiceConfiguration[F]> };

/** What became of the client secret: issued by a switch to client_secret, removed by a switch away from it. */
export type SecretChange = 'issued' | 'removed';

/** An edit as the audit trail records it (the `detail` of an `edit` event). */
export interface ConfigurationChanges {
  /** The changed fields, the keys of `changes` in {@link CONFIGURATION_FIELDS} order; empty when nothing changed. */
  readonly changed: readonly ConfigurationField[];
  readonly changes: FieldChanges;
  /** Present when the edit issued or removed a client secret (never the secret, nor its ciphertext). */
  readonly secret?: SecretChange;
}

/** What a change of authentication method does to the client secret (undefined when the method stays). */
export function secretChange(before: AuthMethod, after: AuthMethod): SecretChange | undefined {
  if (before === after) return undefined;
  switch (after) {
    case 'client_secret':
      return 'issued';
    case 'jwks_uri':
      return 'removed';
    default:
      return assertNever(after);
  }
}

/**
 * The fields whose stored value differs between two configurations, both as the service stores them, with their
 * values before and after. `changed` is empty when the configurations are the same.
 */
export function configurationChanges(before: ServiceConfiguration, after: ServiceConfiguration): ConfigurationChanges {
  // Each entry pairs a field with its own values (compare's F); TypeScript cannot follow that through the loop.
  const changes: Partial<Record<ConfigurationField, FieldChange<unknown>>> = {};
  const compare = <F extends ConfigurationField>(field: F) => {
    if (!SAME[field](before[field], after[field])) changes[field] = { from: before[field], to: after[field] };
  };
  for (const field of CONFIGURATION_FIELDS) compare(field);
  const secret = secretChange(before.authMethod, after.authMethod);
  return {
    changed: CONFIGURATION_FIELDS.filter((field) => field in changes),
    changes: changes as FieldChanges,
    ...(secret && { secret }),
  };
}
