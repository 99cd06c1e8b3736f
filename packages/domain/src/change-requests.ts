/**
 * Change requests of active services (issue 21, "Change requests for Active services"): what a proposal changes, and
 * whether it only narrows access (applied at once) or needs an administrator's review.
 */
import {
  CONFIGURATION_FIELDS,
  type ConfigurationChanges,
  type ConfigurationField,
  configurationChanges,
  type ServiceConfiguration,
} from './configuration-changes.ts';
import { grantsOf, type Permission } from './scopes.ts';

/** The states of a change request; at most one of a service's requests is `pending`. */
export const CHANGE_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];

/** One changed field, as a change request lists it. */
export interface ChangedField {
  readonly field: ConfigurationField;
  readonly from: unknown;
  readonly to: unknown;
}

/** The changed fields of a comparison as a list, in {@link CONFIGURATION_FIELDS} order. */
export function changedFields(changes: ConfigurationChanges): ChangedField[] {
  return changes.changed.map((field) => {
    const change = changes.changes[field];
    return { field, from: change?.from, to: change?.to };
  });
}

/**
 * Whether every grant of `proposed` is covered by `approved` (the same scope version): each proposed resource's
 * permissions are among those the approved scopes grant on that resource or on every resource (`*`). A proposed `*`
 * is covered only by an approved `*`.
 */
export function scopesNarrow(
  approved: Pick<ServiceConfiguration, 'scopes' | 'scopeVersion'>,
  proposed: Pick<ServiceConfiguration, 'scopes' | 'scopeVersion'>,
): boolean {
  if (approved.scopeVersion !== proposed.scopeVersion) return false;
  const granted = new Map<string, ReadonlySet<Permission>>(
    grantsOf(approved.scopes, approved.scopeVersion).map((grant) => [grant.resource, new Set(grant.permissions)]),
  );
  const everything = granted.get('*') ?? new Set<Permission>();
  return grantsOf(proposed.scopes, proposed.scopeVersion).every((grant) => {
    const onResource = granted.get(grant.resource) ?? new Set<Permission>();
    return grant.permissions.every((permission) => onResource.has(permission) || everything.has(permission));
  });
}

/** Whether changing one field from `approved` to `proposed` can only take access away. */
type NarrowingRule = (approved: ServiceConfiguration, proposed: ServiceConfiguration) => boolean;

const always: NarrowingRule = () => true;
const never: NarrowingRule = () => false;

/**
 * How a change of each field is classified. Every field must be here (a new field does not compile until someone
 * decides): names and descriptions grant nothing; fewer scopes or permissions only take access away; a new scope
 * version, authentication method, key set URL or organization changes how the client authenticates or whose data it
 * reaches, so an administrator reviews it.
 */
const NARROWING: { readonly [F in ConfigurationField]: NarrowingRule } = {
  authMethod: never,
  description: always,
  jwksUri: never,
  productionJwksUri: never,
  name: always,
  organizationId: never,
  scopeVersion: never,
  scopes: scopesNarrow,
};

/** What a proposal changes, and whether it applies at once (it only narrows access) or waits for review. */
export interface ProposalClassification {
  readonly changes: ConfigurationChanges;
  /** True when every changed field only narrows access; a mixed proposal is reviewed as a whole. */
  readonly appliesAtOnce: boolean;
}

/** Classifies a proposed configuration against the approved one (both as the service stores them). */
export function classifyProposal(
  approved: ServiceConfiguration,
  proposed: ServiceConfiguration,
): ProposalClassification {
  const changes = configurationChanges(approved, proposed);
  const appliesAtOnce = changes.changed.every((field) => NARROWING[field](approved, proposed));
  return { changes, appliesAtOnce };
}
