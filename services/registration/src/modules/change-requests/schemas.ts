import { CHANGE_REQUEST_STATUSES, CONFIGURATION_FIELDS } from '@payerbox/domain';
import { type Static, Type } from 'typebox';
import { NextCursor } from '../../schemas/common.ts';
import { DateTime, Nullable, Ref, StringEnum, Uuid } from '../../schemas/primitives.ts';
import { AuthMethodSchema, ServiceIdParams, UpdateBackendServiceSchema } from '../backend-services/schemas.ts';
import { UserSummarySchema } from '../users/schemas.ts';

export const ChangeRequestStatusSchema = StringEnum(CHANGE_REQUEST_STATUSES, {
  $id: 'ChangeRequestStatus',
  description:
    'pending: waiting for an admin (the sandbox runs the proposed configuration); approved: production runs it; ' +
    'rejected (with `reason`) or withdrawn by its owner: the sandbox is back on the approved configuration',
});

export const ChangedFieldSchema = Type.Object(
  {
    field: StringEnum(CONFIGURATION_FIELDS),
    from: Type.Unknown({ description: 'The approved value' }),
    to: Type.Unknown({ description: 'The proposed value' }),
  },
  { $id: 'ChangedField', description: 'One field a change request changes, with its approved and proposed value' },
);

export const ProposedConfigurationSchema = Type.Object(
  {
    name: Type.String(),
    description: Nullable(Type.String()),
    authMethod: Ref(AuthMethodSchema),
    jwksUri: Nullable(Type.String()),
    productionJwksUri: Nullable(Type.String(), {
      description: "Production's own key set URL; null: production uses jwksUri",
    }),
    scopeVersion: StringEnum(['v1', 'v2']),
    scopes: Type.Array(Type.String()),
    organizationId: Nullable(Type.String()),
  },
  { $id: 'ProposedConfiguration', description: 'The whole configuration the service would have once approved' },
);

export const ChangeRequestSchema = Type.Object(
  {
    id: Uuid,
    serviceId: Uuid,
    status: Ref(ChangeRequestStatusSchema),
    changes: Type.Array(Ref(ChangedFieldSchema), { description: 'What it changes, field by field (before → after)' }),
    proposed: Ref(ProposedConfigurationSchema),
    createdAt: DateTime,
    createdBy: Ref(UserSummarySchema),
    decidedAt: Nullable(DateTime, { description: 'When it was approved, rejected or withdrawn' }),
    decidedBy: Nullable(Ref(UserSummarySchema)),
    reason: Nullable(Type.String(), { description: "The admin's reason for rejecting it" }),
    note: Nullable(Type.String(), { description: "The approving admin's note" }),
    clientSecret: Type.Optional(
      Type.String({
        description:
          'Only in the response that proposes a switch to client_secret: the secret the sandbox runs with now ' +
          '(and, once approved, the service), never shown again',
      }),
    ),
  },
  { $id: 'ChangeRequest', description: "A proposed change of an active service's configuration" },
);
export type ChangeRequestView = Static<typeof ChangeRequestSchema>;

export const ChangeRequestPageSchema = Type.Object(
  { items: Type.Array(Ref(ChangeRequestSchema)), nextCursor: NextCursor },
  { $id: 'ChangeRequestPage' },
);

/** What a proposal may send: any field of the configuration, as an edit of a draft does. */
export const ProposeChangeSchema = Type.Object(UpdateBackendServiceSchema.properties, {
  $id: 'ProposeChange',
  additionalProperties: false,
  minProperties: 1,
  description: 'The fields to change; the others keep their approved values',
});
export type ProposeChange = Static<typeof ProposeChangeSchema>;

export const ChangeRequestParams = Type.Object({ ...ServiceIdParams.properties, crId: Uuid });

export const CHANGE_REQUEST_SCHEMAS = [
  ChangeRequestStatusSchema,
  ChangedFieldSchema,
  ProposedConfigurationSchema,
  ChangeRequestSchema,
  ChangeRequestPageSchema,
  ProposeChangeSchema,
];
