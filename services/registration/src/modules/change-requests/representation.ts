import type { ChangedField } from '@payerbox/domain';
import type { ChangeRequestRecord } from './repository.ts';
import type { ChangeRequestView } from './schemas.ts';

/** The API representation of a change request. */
export function toChangeRequestView(record: ChangeRequestRecord): ChangeRequestView {
  return {
    id: record.id,
    serviceId: record.serviceId,
    status: record.status,
    changes: record.changes as ChangedField[],
    proposed: {
      name: record.name,
      description: record.description,
      authMethod: record.authMethod,
      jwksUri: record.jwksUri,
      productionJwksUri: record.productionJwksUri,
      scopeVersion: record.scopeVersion,
      scopes: record.scopes,
      organizationId: record.organizationId,
    },
    createdAt: record.createdAt.toISOString(),
    createdBy: record.createdBy,
    decidedAt: record.decidedAt?.toISOString() ?? null,
    decidedBy: record.decidedBy,
    reason: record.reason,
    note: record.note,
  };
}
