import { environmentUrls } from '@payerbox/aidbox';
import { type Actor, availableActions, type Environment, organizationInEnvironment } from '@payerbox/domain';
import type { ServiceRecord } from './repository.ts';
import type { BackendService } from './schemas.ts';

/** Where developers reach each Aidbox environment (configuration). */
export type AidboxPublicUrls = Readonly<Record<Environment, string>>;

/** The API representation, with the environment constants and the actions the caller may take now. */
export function toView(record: ServiceRecord, viewer: Actor, aidboxUrls: AidboxPublicUrls): BackendService {
  const environment = (name: Environment) => {
    const row = record.environments.find((e) => e.environment === name);
    return row
      ? {
          state: row.state,
          clientId: record.clientId,
          error: row.lastError,
          updatedAt: new Date(row.updatedAt).toISOString(),
          // The organization's FHIR base in production; the sandbox runs without OrgBAC, so its base stays `/fhir`.
          ...environmentUrls(aidboxUrls[name], organizationInEnvironment(name, record.organizationId)),
        }
      : null;
  };
  return {
    id: record.id,
    clientId: record.clientId,
    name: record.name,
    description: record.description,
    authMethod: record.authMethod,
    jwksUri: record.jwksUri,
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
    environments: { sandbox: environment('sandbox'), production: environment('production') },
    availableActions: availableActions(record.status, viewer, record.authMethod),
  };
}
