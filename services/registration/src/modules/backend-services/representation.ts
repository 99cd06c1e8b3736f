import { bulkExportUrls, environmentUrls } from '@payerbox/aidbox';
import {
  type Actor,
  availableActions,
  type BulkExportGrant,
  bulkExportGrant,
  type Environment,
  organizationInEnvironment,
  secretCutoverState,
} from '@payerbox/domain';
import type { ServiceRecord } from './repository-reads.ts';
import type { BackendService, BulkExport } from './schemas.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The production secret's state (never the secret): null until approval issues one, and for a JWKS service. */
export function productionSecretView(record: ServiceRecord): BackendService['productionSecret'] {
  if (record.authMethod !== 'client_secret' || record.productionSecretIssuedAt === null) return null;
  const startedAt = record.secretCutoverStartedAt;
  return {
    issuedAt: record.productionSecretIssuedAt.toISOString(),
    retrievable: record.productionSecretRetrievedAt === null,
    cutover:
      startedAt === null
        ? null
        : {
            state: secretCutoverState({
              switchedAt: record.secretCutoverSwitchedAt,
              appliedAt: record.secretCutoverAppliedAt,
            }),
            startedAt: startedAt.toISOString(),
            deadline: iso(record.secretCutoverDeadline),
            switchedAt: iso(record.secretCutoverSwitchedAt),
            switchedBy: record.secretCutoverSwitchedBy,
            appliedAt: iso(record.secretCutoverAppliedAt),
          },
  };
}

/** What the deployment tells developers about its Aidbox environments (configuration). */
export interface EnvironmentSettings {
  /** Where developers reach each Aidbox environment. */
  readonly aidboxPublicUrls: Readonly<Record<Environment, string>>;
  /** Groups of the sandbox's sample data, for group-level export examples. */
  readonly sandboxSampleGroupIds: readonly string[];
}

/**
 * How a client bulk exports in one environment: the endpoints under its FHIR base (the organization's in production
 * for a bound service, aidbox-docs `docs/access-control/authorization/scoped-api/
 * organization-based-hierarchical-access-control.md` "System-level Export"), the types it may export, and the
 * sandbox's sample Groups. Null when the scopes allow no export: then the derived access policy has no export
 * alternative either, and the portal must not suggest one.
 */
export function bulkExportConstants(
  fhirBaseUrl: string,
  grant: BulkExportGrant | null,
  sampleGroupIds: readonly string[],
): BulkExport | null {
  if (grant === null) return null;
  return {
    ...bulkExportUrls(fhirBaseUrl),
    allTypes: grant.allTypes,
    types: [...grant.types],
    sampleGroupIds: [...sampleGroupIds],
  };
}

/** The API representation, with the environment constants and the actions the caller may take now. */
export function toView(record: ServiceRecord, viewer: Actor, settings: EnvironmentSettings): BackendService {
  // The same rule the derived access policy follows: no export is offered where the policy would refuse it.
  const exportable = bulkExportGrant(record.scopes, record.scopeVersion);
  const environment = (name: Environment) => {
    const row = record.environments.find((e) => e.environment === name);
    if (!row) return null;
    // The organization's FHIR base in production; the sandbox runs without OrgBAC, so its base stays `/fhir`.
    const urls = environmentUrls(
      settings.aidboxPublicUrls[name],
      organizationInEnvironment(name, record.organizationId),
    );
    return {
      state: row.state,
      clientId: record.clientId,
      error: row.lastError,
      updatedAt: new Date(row.updatedAt).toISOString(),
      ...urls,
      // The sample Groups are the sandbox's seed data; production's Groups are the payer's own, never listed.
      bulkExport: bulkExportConstants(
        urls.fhirBaseUrl,
        exportable,
        name === 'sandbox' ? settings.sandboxSampleGroupIds : [],
      ),
    };
  };
  return {
    id: record.id,
    clientId: record.clientId,
    name: record.name,
    description: record.description,
    authMethod: record.authMethod,
    jwksUri: record.jwksUri,
    productionJwksUri: record.productionJwksUri,
    scopeVersion: record.scopeVersion,
    scopes: record.scopes,
    organizationId: record.organizationId,
    organization: record.organization,
    status: record.status,
    version: record.version,
    owner: record.owner,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    submittedAt: record.submittedAt?.toISOString() ?? null,
    reviewedAt: record.reviewedAt?.toISOString() ?? null,
    reviewNote: record.reviewNote,
    rejectionReason: record.rejectionReason,
    returnReason: record.returnReason,
    deletedAt: record.deletedAt?.toISOString() ?? null,
    environments: { sandbox: environment('sandbox'), production: environment('production') },
    // A removed service (only admins see one) is past every action.
    availableActions: record.deletedAt ? [] : availableActions(record.status, viewer, record.authMethod),
    productionSecret: productionSecretView(record),
  };
}
