import { type Actor, availableActions } from '@payerbox/domain';
import type { ServiceRecord } from './repository.ts';
import type { BackendService } from './schemas.ts';

/** The API representation, with the actions the caller may take now. */
export function toView(record: ServiceRecord, viewer: Actor): BackendService {
  const environment = (name: 'sandbox' | 'production') => {
    const row = record.environments.find((e) => e.environment === name);
    return row
      ? {
          state: row.state,
          clientId: record.clientId,
          error: row.lastError,
          updatedAt: new Date(row.updatedAt).toISOString(),
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
